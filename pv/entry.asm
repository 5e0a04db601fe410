; Xen PV entry (64-bit). Xen's domain builder maps this image at its link
; address (VIRT_BASE = PADDR_OFFSET: ELF paddr == vaddr), fills the hypercall
; page named by the HYPERCALL_PAGE note, and enters ENTRY in ring 3 with
; rsi = start_info (virtual), paging on (its bootstrap tables, pinned),
; interrupts masked through the shared info, and a stack Xen placed inside
; the bootstrap region. We take our own stack and call pv_main(start_info):
; pv_main installs the trap table before anything else can fault.
;
; Note type numbers from <xen/elfnote.h>; pv/main.c asserts them.
%include "gpr.inc"

%define XEN_ELFNOTE_ENTRY		1
%define XEN_ELFNOTE_HYPERCALL_PAGE	2
%define XEN_ELFNOTE_VIRT_BASE		3
%define XEN_ELFNOTE_PADDR_OFFSET	4
%define XEN_ELFNOTE_XEN_VERSION		5
%define XEN_ELFNOTE_GUEST_OS		6
%define XEN_ELFNOTE_LOADER		8

%define PV_VIRT_BASE 0xffffffff80000000

extern pv_main, xen_hc_page, __bss_start, __bss_end

; One note: name "Xen", a type, a descriptor. No SUPPORTED_FEATURES note:
; without one Xen asks nothing; one without the dom0 bit makes it panic
; "Kernel does not support Dom0 operation" (docs/platform.md).
%macro xen_note 2
	align 4
	dd 4				; namesz: "Xen\0"
	dd %%desc_end - %%desc		; descsz
	dd %1
	db "Xen", 0
%%desc:
	%2
%%desc_end:
	align 4
%endmacro

section .note.Xen note alloc noexec nowrite align=4
	xen_note XEN_ELFNOTE_GUEST_OS, {db "earlyboot", 0}
	xen_note XEN_ELFNOTE_XEN_VERSION, {db "xen-3.0", 0}
	xen_note XEN_ELFNOTE_LOADER, {db "generic", 0}
	xen_note XEN_ELFNOTE_VIRT_BASE, {dq PV_VIRT_BASE}
	xen_note XEN_ELFNOTE_PADDR_OFFSET, {dq PV_VIRT_BASE}
	xen_note XEN_ELFNOTE_ENTRY, {dq pv_start}
	xen_note XEN_ELFNOTE_HYPERCALL_PAGE, {dq xen_hc_page}

section .text.entry progbits alloc exec nowrite align=16
bits 64
global pv_start
pv_start:
	cld
	; Xen loads p_filesz and zeroes up to p_memsz, but say so ourselves:
	; the bss holds the pool's bookkeeping and our stack.
	mov rbx, rsi
	mov rdi, __bss_start
	mov rcx, __bss_end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov rsp, pv_stack_top
	mov rdi, rbx			; pv_main(start_info)
	call pv_main
.hang:
	jmp .hang

; pv_jump_kernel(entry, start_info, stack_top): enter a PV kernel as Xen
; enters a fresh domain (its dom0 builder: rip = ENTRY, rsi = start_info,
; rsp = the bootstrap stack's top, every other general register 0). Called
; by pv/linux_enter.c with the kernel's tree live; never returns.
global pv_jump_kernel
pv_jump_kernel:
	mov rsp, rdx
	push rdi			; the entry, on the kernel's stack: ret takes it
	xor eax, eax
	xor edi, edi
	ZERO_GPRS_BUT_ARGS
	ret				; rsp back at the stack's top

section .bss nobits alloc noexec write align=16
global pv_stack				; its lowest byte: pv/unpack.c measures the depth
pv_stack:
	resb 32768
pv_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
