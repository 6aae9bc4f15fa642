/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included (-include) before every source of samples/iommu-dma that the
 * kbuild test compiles: each global symbol of the sample gets the prefix
 * sfdemo_, so that none clashes with the kernel's own sg_next(),
 * iommu_attach_device(), alloc_iova(), ... when the modules are linked and
 * loaded. The test checks with nm that no global symbol was missed.
 */
#ifndef _SFDEMO_PREFIX_H
#define _SFDEMO_PREFIX_H

/* lib/iommu-dma/scatterlist.c: the public scatterlist helpers */
#define sg_init_table sfdemo_sg_init_table
#define sg_init_one sfdemo_sg_init_one
#define sg_set_buf sfdemo_sg_set_buf
#define sg_mark_end sfdemo_sg_mark_end
#define sg_chain sfdemo_sg_chain
#define sg_next sfdemo_sg_next
#define sg_nents sfdemo_sg_nents
#define sg_virt sfdemo_sg_virt
#define sg_phys sfdemo_sg_phys

/* lib/iommu-dma/dma-iommu.c: the DMA API (public) and its internals */
#define dma_map_sg sfdemo_dma_map_sg
#define dma_unmap_sg sfdemo_dma_unmap_sg
#define dma_sync_sg_for_cpu sfdemo_dma_sync_sg_for_cpu
#define dma_sync_sg_for_device sfdemo_dma_sync_sg_for_device
#define iommu_attach_device sfdemo_iommu_attach_device
#define iommu_detach_device sfdemo_iommu_detach_device
#define iommu_iova_to_phys sfdemo_iommu_iova_to_phys
#define iommu_default_domain sfdemo_iommu_default_domain
#define iommu_dma_init_domain sfdemo_iommu_dma_init_domain
#define iommu_dma_prot sfdemo_iommu_dma_prot
#define iommu_dma_map_segment sfdemo_iommu_dma_map_segment
#define iommu_dma_unmap_segment sfdemo_iommu_dma_unmap_segment
#define iommu_dma_add_segment sfdemo_iommu_dma_add_segment
#define iommu_dma_unmap_segments sfdemo_iommu_dma_unmap_segments

/* lib/iommu-dma/iova.c: the IOVA allocator */
#define iova_domain_init sfdemo_iova_domain_init
#define alloc_iova sfdemo_alloc_iova
#define free_iova sfdemo_free_iova
#define iova_find_free sfdemo_iova_find_free
#define iova_bitmap_test sfdemo_iova_bitmap_test
#define iova_bitmap_set sfdemo_iova_bitmap_set
#define iova_bitmap_clear sfdemo_iova_bitmap_clear

/* lib/iommu-dma/io-pgtable.c: the page-table writer */
#define iommu_pgtable_init sfdemo_iommu_pgtable_init
#define iommu_pgtable_base sfdemo_iommu_pgtable_base
#define iommu_pgtable_map sfdemo_iommu_pgtable_map
#define iommu_pgtable_unmap sfdemo_iommu_pgtable_unmap
#define iommu_pgtable_iova_to_phys sfdemo_iommu_pgtable_iova_to_phys
#define pgtable_alloc_l2 sfdemo_pgtable_alloc_l2
#define pgtable_walk sfdemo_pgtable_walk
#define pgtable_mk_pte sfdemo_pgtable_mk_pte
#define pgtable_l2_pool sfdemo_pgtable_l2_pool
#define pgtable_l2_used sfdemo_pgtable_l2_used

/* arch/arm/mm/dma-coherency.c: cache maintenance */
#define arch_sync_dma_for_device sfdemo_arch_sync_dma_for_device
#define arch_sync_dma_for_cpu sfdemo_arch_sync_dma_for_cpu
#define arm_cache_maint_range sfdemo_arm_cache_maint_range
#define dmac_clean_range sfdemo_dmac_clean_range
#define dmac_inv_range sfdemo_dmac_inv_range
#define dmac_flush_range sfdemo_dmac_flush_range
#define outer_clean_range sfdemo_outer_clean_range
#define outer_inv_range sfdemo_outer_inv_range
#define outer_flush_range sfdemo_outer_flush_range

/* arch/arm/mach-sim/cache.c: the platform's primitive */
#define cpu_cache_op sfdemo_cpu_cache_op

/* drivers/iommu/arm-smmu-lite.c: the IOMMU driver, sealed with the library */
#define iommu_hw_ops sfdemo_iommu_hw_ops

/* drivers/net/good_nic.c */
#define good_nic_probe sfdemo_good_nic_probe
#define good_nic_xmit sfdemo_good_nic_xmit
#define good_nic_tx_complete sfdemo_good_nic_tx_complete
#define good_nic_rx_start sfdemo_good_nic_rx_start
#define good_nic_rx_done sfdemo_good_nic_rx_done

/* drivers/idiotic/cam.c */
#define cam_probe sfdemo_cam_probe

#endif /* _SFDEMO_PREFIX_H */
