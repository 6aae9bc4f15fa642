/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

struct iommu_domain;

struct device {
	const char *name;
	struct iommu_domain *iommu_domain;	/* set by iommu_attach_device() */
	int dma_coherent;			/* snoops CPU caches: no cache maintenance */
};

#endif /* _LINUX_DEVICE_H */
