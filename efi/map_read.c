/* GetMemoryMap into a buffer sized from the firmware's answer (map_read.h). */
#include "map_read.h"

#include "fmt.h"
#include "status.h"

/* Replace the buffer by one of need bytes plus the slack. */
static int grow(EFI_BOOT_SERVICES *bs, struct efi_map_buf *mb, UINTN need,
		char *err, size_t errlen)
{
	/* The stride the firmware gave, unless it gave none we could use. */
	UINTN desc = mb->desc_size >= sizeof(EFI_MEMORY_DESCRIPTOR)
		? mb->desc_size : sizeof(EFI_MEMORY_DESCRIPTOR);
	UINTN slack = EFI_MAP_SLACK_DESCS * desc;
	if (desc > (UINTN)-1 / EFI_MAP_SLACK_DESCS || need > (UINTN)-1 - slack) {
		eb_snprintf(err, errlen,
			    "GetMemoryMap: the firmware asks for %llu bytes with descriptor size %llu, beyond any buffer",
			    (unsigned long long)need, (unsigned long long)mb->desc_size);
		return -1;
	}
	if (mb->buf)
		bs->FreePool(mb->buf); /* a failure leaks it; nothing else to do */
	mb->buf = NULL;
	mb->cap = 0;
	void *buf;
	EFI_STATUS s = bs->AllocatePool(EfiLoaderData, need + slack, &buf);
	if (EFI_ERROR(s)) {
		eb_snprintf(err, errlen,
			    "allocating %llu bytes for the memory map (GetMemoryMap needs %llu): %s",
			    (unsigned long long)(need + slack),
			    (unsigned long long)need, efi_status_name(s));
		return -1;
	}
	mb->buf = buf;
	mb->cap = need + slack;
	mb->allocations++;
	return 0;
}

int efi_map_read(EFI_BOOT_SERVICES *bs, struct efi_map_buf *mb, char *err,
		 size_t errlen)
{
	UINTN need = 0;
	for (unsigned round = 0; round <= EFI_MAP_READ_ROUNDS; round++) {
		UINTN size = mb->cap;
		EFI_STATUS s = bs->GetMemoryMap(&size, mb->buf, &mb->key,
						&mb->desc_size, &mb->desc_version);
		if (s == EFI_SUCCESS) {
			/* Firmware data: a size past the buffer is not believed. */
			if (size > mb->cap) {
				eb_snprintf(err, errlen,
					    "GetMemoryMap: says it wrote %llu bytes into a %llu-byte buffer",
					    (unsigned long long)size,
					    (unsigned long long)mb->cap);
				return -1;
			}
			mb->size = size;
			return 0;
		}
		if (s != EFI_BUFFER_TOO_SMALL) {
			eb_snprintf(err, errlen, "GetMemoryMap: %s", efi_status_name(s));
			return -1;
		}
		/* Too small, yet asking for no more: growing would never end. */
		if (size <= mb->cap) {
			eb_snprintf(err, errlen,
				    "GetMemoryMap: buffer too small, yet it asks for %llu bytes with %llu given",
				    (unsigned long long)size,
				    (unsigned long long)mb->cap);
			return -1;
		}
		need = size;
		if (round == EFI_MAP_READ_ROUNDS)
			break;
		if (grow(bs, mb, need, err, errlen))
			return -1;
	}
	eb_snprintf(err, errlen,
		    "GetMemoryMap: the map still outgrew its buffer after %u new buffers (needs %llu bytes, %llu allocated)",
		    EFI_MAP_READ_ROUNDS, (unsigned long long)need,
		    (unsigned long long)mb->cap);
	return -1;
}
