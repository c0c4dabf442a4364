/* SPDX-License-Identifier: MIT */
/*
 * The virtio wire format pagelab's devices and drivers share (VIRTIO 1.2):
 * the virtio-mmio version 2 registers (section 4.2.2), split virtqueues
 * (section 2.7) and the virtio-iommu device (section 5.13). Everything is
 * little-endian in guest memory; both sides are x86-64. Plain integer
 * types only, as abi.h: the guest kernel includes it too.
 */
#ifndef PAGELAB_VIRTIO_H
#define PAGELAB_VIRTIO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* virtio-mmio registers: offsets from the window's base. */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC      0x74726976u
#define VIRTIO_MMIO_VERSION_2  2u
#define VIRTIO_PAGELAB_VENDOR  0x4c474c50u /* "PLGL" */
#define VIRTIO_MMIO_INT_VRING  1u
#define VIRTIO_MMIO_INT_CONFIG 2u

/* Device status bits (section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	 1u
#define VIRTIO_STATUS_DRIVER		 2u
#define VIRTIO_STATUS_DRIVER_OK		 4u
#define VIRTIO_STATUS_FEATURES_OK	 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED		 128u

/* Reserved feature bits (section 6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1     32

/* Split virtqueue (section 2.7). */
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* The driver area: flags, idx, ring[num] (no used_event: EVENT_IDX is not offered). */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	/* uint16_t ring[num] follows (no flexible array: the header is C++ too) */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	/* struct virtq_used_elem ring[num] follows */
};

/* Alignment the spec asks of each area (section 2.7, table "Virtqueue Part Alignment"). */
#define VIRTQ_DESC_ALIGN  16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN  4

/* ---------------------------------------------------------------- virtio-iommu */

#define VIRTIO_ID_IOMMU 23

#define VIRTIO_IOMMU_F_INPUT_RANGE  0
#define VIRTIO_IOMMU_F_DOMAIN_RANGE 1
#define VIRTIO_IOMMU_F_MAP_UNMAP    2
#define VIRTIO_IOMMU_F_BYPASS	    3
#define VIRTIO_IOMMU_F_PROBE	    4
#define VIRTIO_IOMMU_F_MMIO	    5

/* Queues: requests, then events. */
#define VIRTIO_IOMMU_REQUESTQ 0
#define VIRTIO_IOMMU_EVENTQ   1

struct virtio_iommu_config {
	uint64_t page_size_mask;
	struct {
		uint64_t start, end;
	} input_range;
	struct {
		uint32_t start, end;
	} domain_range;
	uint32_t probe_size;
	uint8_t bypass;
	uint8_t reserved[3];
};

#define VIRTIO_IOMMU_T_ATTACH 1
#define VIRTIO_IOMMU_T_DETACH 2
#define VIRTIO_IOMMU_T_MAP    3
#define VIRTIO_IOMMU_T_UNMAP  4
#define VIRTIO_IOMMU_T_PROBE  5

#define VIRTIO_IOMMU_S_OK     0
#define VIRTIO_IOMMU_S_IOERR  1
#define VIRTIO_IOMMU_S_UNSUPP 2
#define VIRTIO_IOMMU_S_DEVERR 3
#define VIRTIO_IOMMU_S_INVAL  4
#define VIRTIO_IOMMU_S_RANGE  5
#define VIRTIO_IOMMU_S_NOENT  6
#define VIRTIO_IOMMU_S_FAULT  7
#define VIRTIO_IOMMU_S_NOMEM  8

struct virtio_iommu_req_head {
	uint8_t type;
	uint8_t reserved[3];
};

struct virtio_iommu_req_tail {
	uint8_t status;
	uint8_t reserved[3];
};

#define VIRTIO_IOMMU_ATTACH_F_BYPASS 1u

struct virtio_iommu_req_attach {
	struct virtio_iommu_req_head head;
	uint32_t domain;
	uint32_t endpoint;
	uint32_t flags;
	uint8_t reserved[4];
	struct virtio_iommu_req_tail tail;
};

struct virtio_iommu_req_detach {
	struct virtio_iommu_req_head head;
	uint32_t domain;
	uint32_t endpoint;
	uint8_t reserved[8];
	struct virtio_iommu_req_tail tail;
};

#define VIRTIO_IOMMU_MAP_F_READ	 1u
#define VIRTIO_IOMMU_MAP_F_WRITE 2u
#define VIRTIO_IOMMU_MAP_F_MMIO	 4u
#define VIRTIO_IOMMU_MAP_F_MASK	 7u

struct virtio_iommu_req_map {
	struct virtio_iommu_req_head head;
	uint32_t domain;
	uint64_t virt_start;
	uint64_t virt_end; /* inclusive */
	uint64_t phys_start;
	uint32_t flags;
	struct virtio_iommu_req_tail tail;
};

struct virtio_iommu_req_unmap {
	struct virtio_iommu_req_head head;
	uint32_t domain;
	uint64_t virt_start;
	uint64_t virt_end;
	uint8_t reserved[4];
	struct virtio_iommu_req_tail tail;
};

/* PROBE: the device fills probe_size bytes of properties, then the tail. */
struct virtio_iommu_req_probe {
	struct virtio_iommu_req_head head;
	uint32_t endpoint;
	uint8_t reserved[64];
	/* uint8_t properties[probe_size]; struct virtio_iommu_req_tail tail; */
};

#define VIRTIO_IOMMU_PROBE_T_NONE     0
#define VIRTIO_IOMMU_PROBE_T_RESV_MEM 1
#define VIRTIO_IOMMU_PROBE_T_MASK     0xfff

struct virtio_iommu_probe_property {
	uint16_t type;
	uint16_t length;
};

#define VIRTIO_IOMMU_RESV_MEM_T_RESERVED 0
#define VIRTIO_IOMMU_RESV_MEM_T_MSI	 1

struct virtio_iommu_probe_resv_mem {
	struct virtio_iommu_probe_property head;
	uint8_t subtype;
	uint8_t reserved[3];
	uint64_t start;
	uint64_t end;
};

/* Fault reports on the event queue. */
#define VIRTIO_IOMMU_FAULT_R_UNKNOWN 0
#define VIRTIO_IOMMU_FAULT_R_DOMAIN  1
#define VIRTIO_IOMMU_FAULT_R_MAPPING 2

#define VIRTIO_IOMMU_FAULT_F_READ    1u
#define VIRTIO_IOMMU_FAULT_F_WRITE   2u
#define VIRTIO_IOMMU_FAULT_F_EXEC    4u
#define VIRTIO_IOMMU_FAULT_F_ADDRESS 0x100u

struct virtio_iommu_fault {
	uint8_t reason;
	uint8_t reserved[3];
	uint32_t flags;
	uint32_t endpoint;
	uint8_t reserved2[4];
	uint64_t address;
};

#ifdef __cplusplus
}
#endif

#endif
