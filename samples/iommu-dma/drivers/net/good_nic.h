/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _GOOD_NIC_H
#define _GOOD_NIC_H

#include <linux/dma-mapping.h>

#define GOOD_NIC_RING		8
#define GOOD_NIC_MAX_FRAGS	4
#define GOOD_NIC_DESC_OWN	0x1	/* the device owns the descriptor */

/* A transmit or receive descriptor, as the device reads it. */
struct good_nic_desc {
	dma_addr_t addr;
	u32 len;
	u32 flags;
};

struct good_nic {
	struct device dev;
	struct good_nic_desc tx_ring[GOOD_NIC_RING];
	struct good_nic_desc rx_desc;
	unsigned int tx_head;
	int tx_nents;
	struct scatterlist tx_sg[GOOD_NIC_MAX_FRAGS];
	struct scatterlist rx_sg[1];
};

int good_nic_probe(struct good_nic *nic);
int good_nic_xmit(struct good_nic *nic, void *const frags[], const unsigned int lens[],
		  int nfrags);
void good_nic_tx_complete(struct good_nic *nic);
int good_nic_rx_start(struct good_nic *nic, void *buf, unsigned int len);
void good_nic_rx_done(struct good_nic *nic);

#endif /* _GOOD_NIC_H */
