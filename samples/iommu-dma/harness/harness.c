// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host test harness of the iommu-dma sample library.
 *
 * It plays the platform (cpu_cache_op() records every cache operation) and
 * the devices (they read and write memory through the IOMMU's translation).
 * It calls only the library's public API and the good network driver, so it
 * links against the sealed composite object as well as the unsealed one, and
 * both builds must print the same lines.
 *
 * Addresses are printed as DMA addresses (fixed by the allocator) or as
 * offsets into the harness's RAM, never as host pointers.
 * Exit status: 0 when every check passes, 1 after a "FAIL" line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/cpu-cache.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/mm.h>

#include "good_nic.h"

#define IOVA(off)	(IOMMU_APERTURE_BASE + (off))
#define RAM_PAGES	64
#define RAM(off)	(ram + (off))

/* The "physical memory" the devices reach through the IOMMU. */
static unsigned char ram[RAM_PAGES * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static const char *test_name;
static unsigned int nmapped, nops_checked, ntests;

static void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(1);
}

static void expect_count(const char *what, long got, long want)
{
	if (got != want)
		fail("%s is %ld, expected %ld", what, got, want);
}

/* ---- the platform: a trace of cache operations ---- */

struct cache_op {
	int op;
	unsigned long start, end;	/* offsets into ram when expected */
};

static struct cache_op trace[256];
static unsigned int ntrace;

void cpu_cache_op(int op, unsigned long start, unsigned long end)
{
	if (ntrace < ARRAY_SIZE(trace))
		trace[ntrace] = (struct cache_op){ op, start, end };
	ntrace++;
}

#define INNER(op, s, e)	{ CACHE_OP_##op, s, e }
#define OUTER(op, s, e)	{ CACHE_OP_OUTER | CACHE_OP_##op, s, e }

static const char *op_name(int op)
{
	static const char *const names[] = { "?", "clean", "inv", "flush" };
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s %s", op & CACHE_OP_OUTER ? "outer" : "inner",
		 names[op & CACHE_OP_FLUSH]);
	return buf;
}

static void print_ops(const char *title, const struct cache_op *ops, unsigned int n,
		      unsigned long base)
{
	unsigned int i;

	printf("    %s (%u):\n", title, n);
	for (i = 0; i < n; i++)
		printf("      %s +%#lx..+%#lx\n", op_name(ops[i].op), ops[i].start - base,
		       ops[i].end - base);
}

/* The operations since the last call are exactly want[], in order (ranges as ram offsets). */
static void expect_ops(const char *when, const struct cache_op *want, unsigned int n)
{
	unsigned long base = (unsigned long)ram;
	unsigned int i, bad = ntrace != n || ntrace > ARRAY_SIZE(trace);

	for (i = 0; !bad && i < n; i++)
		bad = trace[i].op != want[i].op || trace[i].start - base != want[i].start ||
		      trace[i].end - base != want[i].end;
	if (bad) {
		printf("FAIL %s: wrong cache maintenance %s\n", test_name, when);
		print_ops("expected", want, n, 0);
		print_ops("got", trace, ntrace < ARRAY_SIZE(trace) ? ntrace : ARRAY_SIZE(trace),
			  base);
		exit(1);
	}
	nops_checked += n;
	ntrace = 0;
}

#define EXPECT_OPS(when, ...)                                                   \
	do {                                                                    \
		static const struct cache_op want_[] = { __VA_ARGS__ };         \
		expect_ops(when, want_, ARRAY_SIZE(want_));                     \
	} while (0)
#define EXPECT_NO_OPS(when) expect_ops(when, NULL, 0)

/* ---- the devices: memory access through the IOMMU ---- */

static unsigned char *device_translate(struct device *dev, dma_addr_t dma)
{
	phys_addr_t phys = iommu_iova_to_phys(dev, dma);

	if (!phys)
		fail("IOMMU fault: %s accessed unmapped DMA address %#lx", dev->name, dma);
	return __va(phys);
}

static void device_read(struct device *dev, dma_addr_t dma, void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		((unsigned char *)buf)[i] = *device_translate(dev, dma + i);
}

static void device_write(struct device *dev, dma_addr_t dma, const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		*device_translate(dev, dma + i) = ((const unsigned char *)buf)[i];
}

static void expect_unmapped(struct device *dev, dma_addr_t dma)
{
	phys_addr_t phys = iommu_iova_to_phys(dev, dma);

	if (phys)
		fail("DMA address %#lx still translates to ram+%#lx after unmap", dma,
		     phys - __pa(ram));
}

/* ---- helpers ---- */

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int map(struct device *dev, struct scatterlist *sgl, int nents,
	       enum dma_data_direction dir)
{
	int n = dma_map_sg(dev, sgl, nents, dir);

	if (n)
		nmapped++;
	return n;
}

static void expect_segment(struct scatterlist *sg, int i, dma_addr_t dma, unsigned int len)
{
	if (sg_dma_address(sg) != dma || sg_dma_len(sg) != len)
		fail("segment %d is %#lx+%#x, expected %#lx+%#x", i, sg_dma_address(sg),
		     sg_dma_len(sg), dma, len);
}

/* The device reads the segments back to back; that must be the CPU's data. */
static void expect_device_sees(struct device *dev, struct scatterlist *sgl, int count,
			       const unsigned char *want, size_t len)
{
	static unsigned char buf[RAM_PAGES * PAGE_SIZE];
	struct scatterlist *sg;
	size_t done = 0;
	int i;

	for_each_sg(sgl, sg, count, i) {
		if (done + sg_dma_len(sg) > sizeof(buf))
			fail("segments longer than the buffer");
		device_read(dev, sg_dma_address(sg), buf + done, sg_dma_len(sg));
		done += sg_dma_len(sg);
	}
	if (done != len || memcmp(buf, want, len))
		fail("the device reads %zu bytes that differ from the CPU's %zu", done, len);
}

static void begin(const char *name)
{
	test_name = name;
	ntrace = 0;
	ntests++;
}

static void pass(const char *fmt, ...)
{
	va_list ap;

	printf("  %-14s", test_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(": ok\n");
}

/* ---- tests ---- */

static struct device dev0 = { .name = "dev0" };

/* Contiguous entries merge; clean before the device reads; unmap frees the IOVA. */
static void test_to_device(void)
{
	static unsigned char want[0x1200];
	struct scatterlist sgl[3];
	int n, round;

	begin("to-device");
	fill(RAM(0x1000), 0x1100, 1);
	fill(RAM(0x5100), 0x100, 2);
	memcpy(want, RAM(0x1000), 0x1100);
	memcpy(want + 0x1100, RAM(0x5100), 0x100);

	for (round = 0; round < 2; round++) {
		sg_init_table(sgl, 3);
		sg_set_buf(&sgl[0], RAM(0x1000), 0x800);
		sg_set_buf(&sgl[1], RAM(0x1800), 0x900);	/* continues entry 0 */
		sg_set_buf(&sgl[2], RAM(0x5100), 0x100);
		n = map(&dev0, sgl, 3, DMA_TO_DEVICE);
		expect_count("the segment count", n, 2);
		/* Second round: the IOVA freed by the first unmap is reused. */
		expect_segment(&sgl[0], 0, IOVA(0), 0x1100);
		expect_segment(&sgl[1], 1, IOVA(0x2100), 0x100);
		expect_count("sg_dma_len() after the last segment", sg_dma_len(&sgl[2]), 0);
		EXPECT_OPS("on map",
			   INNER(CLEAN, 0x1000, 0x1800), OUTER(CLEAN, 0x1000, 0x1800),
			   INNER(CLEAN, 0x1800, 0x2100), OUTER(CLEAN, 0x1800, 0x2100),
			   INNER(CLEAN, 0x5100, 0x5200), OUTER(CLEAN, 0x5100, 0x5200));
		expect_device_sees(&dev0, sgl, n, want, sizeof(want));

		dma_unmap_sg(&dev0, sgl, 3, DMA_TO_DEVICE);
		EXPECT_NO_OPS("on unmap");
		expect_unmapped(&dev0, IOVA(0));
		expect_unmapped(&dev0, IOVA(0x1fff));
		expect_unmapped(&dev0, IOVA(0x2100));
	}
	pass("3 entries -> 2 segments at %#lx+%#x and %#lx+%#x, cleaned; IOVA reused",
	     IOVA(0), 0x1100, IOVA(0x2100), 0x100);
}

/* Invalidate for the device and again for the CPU; partial lines are cleaned too. */
static void test_from_device(void)
{
	static unsigned char frame[0x100];
	struct scatterlist sg;

	begin("from-device");
	memset(RAM(0x8000), 0xee, 0x200);
	fill(frame, sizeof(frame), 3);

	sg_init_one(&sg, RAM(0x8010), sizeof(frame));
	expect_count("the segment count", map(&dev0, &sg, 1, DMA_FROM_DEVICE), 1);
	expect_segment(&sg, 0, IOVA(0x10), sizeof(frame));
	EXPECT_OPS("on map",
		   INNER(FLUSH, 0x8000, 0x8040), INNER(FLUSH, 0x8100, 0x8140),
		   INNER(INV, 0x8040, 0x8100),
		   OUTER(FLUSH, 0x8000, 0x8020), OUTER(FLUSH, 0x8100, 0x8120),
		   OUTER(INV, 0x8020, 0x8100));

	device_write(&dev0, sg_dma_address(&sg), frame, sizeof(frame));
	dma_unmap_sg(&dev0, &sg, 1, DMA_FROM_DEVICE);
	EXPECT_OPS("on unmap (outer cache first)",
		   OUTER(FLUSH, 0x8000, 0x8020), OUTER(FLUSH, 0x8100, 0x8120),
		   OUTER(INV, 0x8020, 0x8100),
		   INNER(FLUSH, 0x8000, 0x8040), INNER(FLUSH, 0x8100, 0x8140),
		   INNER(INV, 0x8040, 0x8100));
	expect_unmapped(&dev0, IOVA(0x10));
	if (memcmp(RAM(0x8010), frame, sizeof(frame)) || RAM(0x8000)[0xf] != 0xee ||
	    RAM(0x8000)[0x110] != 0xee)
		fail("the device's write did not land exactly at ram+0x8010");
	pass("%#zx bytes at ram+0x8010 invalidated, unaligned lines flushed",
	     sizeof(frame));
}

/* Bidirectional buffers: flush on map; ownership passes back and forth by sync. */
static void test_sync(void)
{
	static unsigned char msg[0x40], reply[0x40];
	struct scatterlist sgl[2];
	unsigned char seen[0x40];

	begin("bidirectional");
	fill(msg, sizeof(msg), 4);
	fill(reply, sizeof(reply), 5);
	sg_init_table(sgl, 2);
	sg_set_buf(&sgl[0], RAM(0xa000), PAGE_SIZE);
	sg_set_buf(&sgl[1], RAM(0xc000), PAGE_SIZE);
	expect_count("the segment count", map(&dev0, sgl, 2, DMA_BIDIRECTIONAL), 2);
	expect_segment(&sgl[0], 0, IOVA(0), PAGE_SIZE);
	expect_segment(&sgl[1], 1, IOVA(PAGE_SIZE), PAGE_SIZE);
	EXPECT_OPS("on map",
		   INNER(FLUSH, 0xa000, 0xb000), OUTER(FLUSH, 0xa000, 0xb000),
		   INNER(FLUSH, 0xc000, 0xd000), OUTER(FLUSH, 0xc000, 0xd000));

	device_write(&dev0, IOVA(PAGE_SIZE + 0x80), reply, sizeof(reply));
	dma_sync_sg_for_cpu(&dev0, sgl, 2, DMA_BIDIRECTIONAL);
	EXPECT_OPS("on sync for the CPU",
		   OUTER(INV, 0xa000, 0xb000), INNER(INV, 0xa000, 0xb000),
		   OUTER(INV, 0xc000, 0xd000), INNER(INV, 0xc000, 0xd000));
	if (memcmp(RAM(0xc080), reply, sizeof(reply)))
		fail("the CPU does not see what the device wrote");

	memcpy(RAM(0xa000), msg, sizeof(msg));
	dma_sync_sg_for_device(&dev0, sgl, 2, DMA_BIDIRECTIONAL);
	EXPECT_OPS("on sync for the device",
		   INNER(FLUSH, 0xa000, 0xb000), OUTER(FLUSH, 0xa000, 0xb000),
		   INNER(FLUSH, 0xc000, 0xd000), OUTER(FLUSH, 0xc000, 0xd000));
	device_read(&dev0, IOVA(0), seen, sizeof(seen));
	if (memcmp(seen, msg, sizeof(msg)))
		fail("the device does not see what the CPU wrote");

	dma_unmap_sg(&dev0, sgl, 2, DMA_BIDIRECTIONAL);
	EXPECT_OPS("on unmap",
		   OUTER(INV, 0xa000, 0xb000), INNER(INV, 0xa000, 0xb000),
		   OUTER(INV, 0xc000, 0xd000), INNER(INV, 0xc000, 0xd000));
	expect_unmapped(&dev0, IOVA(0));
	expect_unmapped(&dev0, IOVA(PAGE_SIZE));
	pass("2 segments, flushed on map, synced both ways");
}

/* A cache-coherent device shares the domain and needs no cache maintenance. */
static void test_coherent(void)
{
	struct device dev1 = { .name = "dev1", .dma_coherent = 1 };
	struct scatterlist sgl[2];

	begin("coherent");
	if (iommu_attach_device(&dev1))
		fail("cannot attach %s", dev1.name);
	fill(RAM(0xe000), 0x300, 6);
	sg_init_table(sgl, 2);
	sg_set_buf(&sgl[0], RAM(0xe000), 0x200);
	sg_set_buf(&sgl[1], RAM(0xe200), 0x100);
	expect_count("the segment count", map(&dev1, sgl, 2, DMA_TO_DEVICE), 1);
	expect_segment(&sgl[0], 0, IOVA(0), 0x300);
	expect_device_sees(&dev1, sgl, 1, RAM(0xe000), 0x300);
	dma_sync_sg_for_cpu(&dev1, sgl, 2, DMA_TO_DEVICE);
	dma_sync_sg_for_device(&dev1, sgl, 2, DMA_TO_DEVICE);
	dma_unmap_sg(&dev1, sgl, 2, DMA_TO_DEVICE);
	EXPECT_NO_OPS("for a coherent device");
	expect_unmapped(&dev1, IOVA(0));
	iommu_detach_device(&dev1);
	pass("2 entries -> 1 segment, no cache maintenance");
}

/* Chained tables are walked as one list; entries merge across the link. */
static void test_chain(void)
{
	struct scatterlist first[3], second[2];
	int n;

	begin("chained");
	fill(RAM(0x10000), 0x2000, 7);
	fill(RAM(0x14000), 0x200, 8);
	sg_init_table(first, 3);
	sg_init_table(second, 2);
	sg_set_buf(&first[0], RAM(0x10000), 0x1000);
	sg_set_buf(&first[1], RAM(0x11000), 0x800);
	sg_chain(first, 3, second);
	sg_set_buf(&second[0], RAM(0x11800), 0x800);
	sg_set_buf(&second[1], RAM(0x14000), 0x200);
	expect_count("sg_nents()", sg_nents(first), 4);

	n = map(&dev0, first, 4, DMA_TO_DEVICE);
	expect_count("the segment count", n, 2);
	expect_segment(&first[0], 0, IOVA(0), 0x2000);
	expect_segment(&first[1], 1, IOVA(0x2000), 0x200);
	expect_count("sg_dma_len() of the entry after the link", sg_dma_len(&second[0]), 0);
	EXPECT_OPS("on map",
		   INNER(CLEAN, 0x10000, 0x11000), OUTER(CLEAN, 0x10000, 0x11000),
		   INNER(CLEAN, 0x11000, 0x11800), OUTER(CLEAN, 0x11000, 0x11800),
		   INNER(CLEAN, 0x11800, 0x12000), OUTER(CLEAN, 0x11800, 0x12000),
		   INNER(CLEAN, 0x14000, 0x14200), OUTER(CLEAN, 0x14000, 0x14200));
	dma_unmap_sg(&dev0, first, 4, DMA_TO_DEVICE);
	expect_unmapped(&dev0, IOVA(0));
	expect_unmapped(&dev0, IOVA(0x2000));
	pass("4 entries in 2 tables -> 2 segments");
}

/* More than the aperture: nothing stays mapped and the caches are not touched. */
static void test_exhaustion(void)
{
	enum { N = IOMMU_APERTURE_SIZE / sizeof(ram) + 1 };
	static struct scatterlist sgl[N];
	struct scatterlist one;
	int i, n;

	begin("aperture-full");
	sg_init_table(sgl, N);
	for (i = 0; i < N; i++)
		sg_set_buf(&sgl[i], ram, sizeof(ram));	/* the same pages, N times */
	n = dma_map_sg(&dev0, sgl, N, DMA_TO_DEVICE);
	expect_count("dma_map_sg() of more than the aperture", n, 0);
	EXPECT_NO_OPS("after a failed map");
	expect_unmapped(&dev0, IOVA(0));
	expect_unmapped(&dev0, IOVA(IOMMU_APERTURE_SIZE - sizeof(ram)));

	sg_init_one(&one, RAM(0x3000), PAGE_SIZE);
	expect_count("the segment count", map(&dev0, &one, 1, DMA_TO_DEVICE), 1);
	expect_segment(&one, 0, IOVA(0), PAGE_SIZE);
	dma_unmap_sg(&dev0, &one, 1, DMA_TO_DEVICE);
	pass("%d x %#zx bytes refused, all IOVA space given back", N, sizeof(ram));
}

/* The good driver: it only uses the DMA API, and its device sees the right bytes. */
static void test_good_nic(void)
{
	static struct good_nic nic;
	void *frags[] = { RAM(0x20000), RAM(0x20040), RAM(0x23000) };
	unsigned int lens[] = { 0x40, 0x5c0, 4 };
	unsigned char sent[0x604], frame[0x200];
	struct good_nic_desc *desc;
	size_t done = 0;
	int i, n;

	begin("good_nic");
	good_nic_probe(&nic);
	if (iommu_attach_device(&nic.dev))
		fail("cannot attach %s", nic.dev.name);
	fill(RAM(0x20000), 0x600, 9);
	fill(RAM(0x23000), 4, 10);
	n = good_nic_xmit(&nic, frags, lens, 3);
	expect_count("the descriptors used", n, 2);
	nmapped++;
	for (i = 0; i < n; i++) {
		desc = &nic.tx_ring[i];
		if (!(desc->flags & GOOD_NIC_DESC_OWN))
			fail("descriptor %d not given to the device", i);
		device_read(&nic.dev, desc->addr, sent + done, desc->len);
		done += desc->len;
	}
	if (done != sizeof(sent) || memcmp(sent, RAM(0x20000), 0x600) ||
	    memcmp(sent + 0x600, RAM(0x23000), 4))
		fail("the device sent other bytes than the driver's");
	good_nic_tx_complete(&nic);
	expect_unmapped(&nic.dev, nic.tx_ring[0].addr);

	fill(frame, sizeof(frame), 11);
	if (good_nic_rx_start(&nic, RAM(0x28000), 0x600))
		fail("cannot start receiving");
	nmapped++;
	device_write(&nic.dev, nic.rx_desc.addr, frame, sizeof(frame));
	good_nic_rx_done(&nic);
	if (memcmp(RAM(0x28000), frame, sizeof(frame)))
		fail("the driver did not receive the device's frame");
	expect_unmapped(&nic.dev, nic.rx_desc.addr);
	pass("sent 3 fragments in 2 descriptors, received a frame");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("iommu-dma harness: DMA through an IOMMU at %#lx, caches traced\n",
	       IOMMU_APERTURE_BASE);
	test_name = "attach";
	if (iommu_attach_device(&dev0))
		fail("cannot attach %s", dev0.name);

	test_to_device();
	test_from_device();
	test_sync();
	test_coherent();
	test_chain();
	test_exhaustion();
	test_good_nic();

	printf("harness: %u tests, %u scatterlists mapped, %u cache operations checked: ok\n",
	       ntests, nmapped, nops_checked);
	return 0;
}
