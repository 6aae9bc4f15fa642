// SPDX-License-Identifier: GPL-2.0-only
/*
 * A camera driver that knows better than the DMA API. To save "the overhead"
 * of dma_map_sg() it flushes its frame buffer itself and gives the device a
 * physical address. The flush leaves the outer cache alone and is not redone
 * when the CPU reads a frame; the physical address bypasses the IOMMU.
 *
 * dmac_flush_range() is private to the iommu-dma library: symfence's audit
 * reports this call, and the sealed library no longer lets it link.
 */
#include <asm/cacheflush.h>
#include <linux/device.h>
#include <linux/mm.h>

#define CAM_FRAME_BYTES	(4 * 4096)
#define CAM_CTRL_START	0x1

struct cam {
	struct device dev;
	phys_addr_t frame_addr;	/* the device's frame address register */
	u32 ctrl;
};

static u8 cam_frame[CAM_FRAME_BYTES] __attribute__((aligned(4096)));

int cam_probe(struct cam *cam);

int cam_probe(struct cam *cam)
{
	cam->dev.name = "cam";
	cam->ctrl = 0;

	/* Make the frame buffer coherent: "faster than dma_map_sg()". */
	dmac_flush_range(cam_frame, cam_frame + sizeof(cam_frame));

	cam->frame_addr = __pa(cam_frame);
	cam->ctrl = CAM_CTRL_START;
	return 0;
}
