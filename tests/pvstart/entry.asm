; pvstart.elf: the judge of a PV start of day (tests/pvstart/main.c). A PV
; kernel laid out like Linux (VIRT_BASE 0xffffffff80000000, PADDR_OFFSET 0,
; loaded at 16 MiB) that carries a "Linux" note, so earlyboot's PV world
; takes it for a vmlinux and builds Xen's start of day for it, and a
; HYPERCALL_PAGE note (which Debian's Linux no longer has), so that path is
; exercised too. Xen can boot it directly as dom0 as well: the same checks
; then judge Xen's own start of day (the reference).
%define XEN_ELFNOTE_ENTRY		1
%define XEN_ELFNOTE_HYPERCALL_PAGE	2
%define XEN_ELFNOTE_VIRT_BASE		3
%define XEN_ELFNOTE_PADDR_OFFSET	4
%define XEN_ELFNOTE_XEN_VERSION		5
%define XEN_ELFNOTE_GUEST_OS		6
%define XEN_ELFNOTE_LOADER		8
%define XEN_ELFNOTE_SUPPORTED_FEATURES	17
%define XENFEAT_dom0			11

extern pvs_main

%macro note 3
	align 4
	dd %%name_end - %%name
	dd %%desc_end - %%desc
	dd %2
%%name:
	db %1, 0
%%name_end:
	align 4
%%desc:
	%3
%%desc_end:
	align 4
%endmacro

; The variants (mk/pv.mk) change the notes with these defines:
;   PVS_VIRT_BASE    VIRT_BASE (default 0xffffffff80000000)
;   PVS_PADDR_OFFSET PADDR_OFFSET (default 0); PVS_NO_PADDR_NOTE: no note
;                    (the notes' default, 0, applies)
;   PVS_NO_HC_PAGE   no HYPERCALL_PAGE note
;   PVS_NO_LINUX     no "Linux" note: a PV kernel by its Xen notes alone
;   PVS_FEATURES     a FEATURES string
%ifndef PVS_VIRT_BASE
%define PVS_VIRT_BASE 0xffffffff80000000
%endif
%ifndef PVS_PADDR_OFFSET
%define PVS_PADDR_OFFSET 0
%endif
%define XEN_ELFNOTE_FEATURES		10

section .note.Xen note alloc noexec nowrite align=4
%ifndef PVS_NO_LINUX
	note "Linux", 0x100, {db "pvstart", 0}
%endif
	note "Xen", XEN_ELFNOTE_GUEST_OS, {db "pvstart", 0}
	note "Xen", XEN_ELFNOTE_XEN_VERSION, {db "xen-3.0", 0}
	note "Xen", XEN_ELFNOTE_LOADER, {db "generic", 0}
	note "Xen", XEN_ELFNOTE_VIRT_BASE, {dq PVS_VIRT_BASE}
%ifndef PVS_NO_PADDR_NOTE
	note "Xen", XEN_ELFNOTE_PADDR_OFFSET, {dq PVS_PADDR_OFFSET}
%endif
	note "Xen", XEN_ELFNOTE_ENTRY, {dq pvs_start}
%ifndef PVS_NO_HC_PAGE
	note "Xen", XEN_ELFNOTE_HYPERCALL_PAGE, {dq pvs_hc_page}
%endif
%ifdef PVS_FEATURES
	note "Xen", XEN_ELFNOTE_FEATURES, {db PVS_FEATURES, 0}
%endif
	note "Xen", XEN_ELFNOTE_SUPPORTED_FEATURES, {dd 1 << XENFEAT_dom0}

section .text.entry progbits alloc exec nowrite align=16
bits 64
global pvs_start
pvs_start:
	; What the start of day handed over, before anything changes it.
	mov [rel entry_rsp], rsp
	mov [rel entry_rsi], rsi
	push rax			; the bootstrap stack must be usable
	or rax, rbx
	or rax, rcx
	or rax, rdx
	or rax, rdi
	or rax, rbp
	or rax, r8
	or rax, r9
	or rax, r10
	or rax, r11
	or rax, r12
	or rax, r13
	or rax, r14
	or rax, r15
	mov [rel entry_gprs], rax
	pop rax
	lea rsp, [rel stack_top]
	mov rdi, [rel entry_rsi]
	mov rsi, [rel entry_rsp]
	mov rdx, [rel entry_gprs]
	call pvs_main
.hang:
	jmp .hang

; The hypercall page: int3 until the loader (or Xen) fills it.
section .text.hc_page progbits alloc exec nowrite align=4096
global pvs_hc_page
pvs_hc_page:
	times 4096 db 0xcc

section .bss nobits alloc noexec write align=16
entry_rsp: resq 1
entry_rsi: resq 1
entry_gprs: resq 1
	alignb 16
stack:	resb 16384
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
