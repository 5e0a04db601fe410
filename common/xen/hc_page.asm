; The hypercall page (common/xen/hc.h): 4 KiB of text, page aligned, int3
; until Xen writes its stubs into it. Xen writes through guest-physical
; memory, so our tables may (and do) map it read-only + executable.
bits 64
section .text.xen_hc_page progbits alloc exec nowrite align=4096
global xen_hc_page
xen_hc_page:
	times 4096 db 0xcc

section .note.GNU-stack noalloc noexec nowrite progbits
