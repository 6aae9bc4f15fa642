// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module glue of sfdemo_iommu.ko, the sample IOMMU DMA library sealed by
 * symfence: exports its public API, nothing else. module_init() and
 * module_exit() make init_module and cleanup_module, which sfdemo_iommu.mod.o
 * refers to: symfence never makes them local.
 *
 * This file is compiled with the kernel's headers, the library with the
 * sample's own (they cannot be mixed: both have a <linux/types.h>), so the
 * functions are declared here by name only. EXPORT_SYMBOL() needs a
 * declaration; modpost and the module loader need only the name.
 */
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>

#define SFDEMO_EXPORT(sym)	extern void sym(void); EXPORT_SYMBOL(sym)

SFDEMO_EXPORT(sfdemo_dma_map_sg);
SFDEMO_EXPORT(sfdemo_dma_unmap_sg);
SFDEMO_EXPORT(sfdemo_dma_sync_sg_for_cpu);
SFDEMO_EXPORT(sfdemo_dma_sync_sg_for_device);
SFDEMO_EXPORT(sfdemo_sg_init_table);
SFDEMO_EXPORT(sfdemo_sg_init_one);
SFDEMO_EXPORT(sfdemo_sg_set_buf);
SFDEMO_EXPORT(sfdemo_sg_mark_end);
SFDEMO_EXPORT(sfdemo_sg_chain);
SFDEMO_EXPORT(sfdemo_sg_next);
SFDEMO_EXPORT(sfdemo_sg_nents);
SFDEMO_EXPORT(sfdemo_sg_virt);
SFDEMO_EXPORT(sfdemo_sg_phys);
SFDEMO_EXPORT(sfdemo_iommu_attach_device);
SFDEMO_EXPORT(sfdemo_iommu_detach_device);
SFDEMO_EXPORT(sfdemo_iommu_iova_to_phys);

static int __init sfdemo_iommu_init(void)
{
	return 0;
}
module_init(sfdemo_iommu_init);

static void __exit sfdemo_iommu_exit(void)
{
}
module_exit(sfdemo_iommu_exit);

MODULE_DESCRIPTION("symfence sample: the iommu-dma library, sealed");
MODULE_LICENSE("GPL");
