; x86_paging_switch(root_pa, la57): leave long mode for a moment to change
; CR4.LA57, which may change only while EFER.LMA is 0, and come back on the
; tree at root_pa (paging_depth.h says why and when). Called with interrupts
; off, from text identity-mapped below 4 GiB in the old and the new tree,
; with the stack and root_pa below 4 GiB too (paging_depth.c checks all
; three): 32-bit code runs at these addresses with paging off, loads CR3
; from a 32-bit register and reads the far pointer back from the stack.
; Position independent (the PE loader links with -fpic): no absolute address
; is assembled in, each is computed from rip at run time.
bits 64
default rel
section .text

%define CR0_PG		(1 << 31)
%define CR4_PCIDE	(1 << 17)
%define CR4_LA57	(1 << 12)
%define SEL_CODE64	0x08		; in both our GDT here and common/x86/cpu.c's
%define SEL_DATA	0x10
%define SEL_CODE32	0x18		; here only

global x86_paging_switch
x86_paging_switch:
	push rbx
	sub rsp, 32
	; [rsp+0]: the caller's GDTR (10 bytes), put back at the end.
	; [rsp+16]: ours (10 bytes). [rsp+26]: far pointer to .long64 (m16:32).
	sgdt [rsp]
	lea rax, [switch_gdt]
	mov word [rsp + 16], switch_gdt.end - switch_gdt - 1
	mov [rsp + 18], rax
	lea rax, [.long64]
	mov [rsp + 26], eax
	mov word [rsp + 30], SEL_CODE64
	lgdt [rsp + 16]
	; PCIDE must be off before paging can be (MOV to CR0 clearing PG #GPs
	; otherwise); nothing here uses PCIDs.
	mov rax, cr4
	and rax, ~CR4_PCIDE
	mov cr4, rax
	mov ebx, esp			; the far pointer's stack, below 4 GiB
	lea rax, [.compat]
	push qword SEL_CODE32
	push rax
	o64 retf

bits 32
.compat:
	; Flat 32-bit data segments: [ebx] below is read through DS.
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov eax, cr0
	and eax, ~CR0_PG
	mov cr0, eax			; paging off: EFER.LMA drops to 0
	mov eax, cr4
	and eax, ~CR4_LA57
	test esi, esi
	jz .set_cr4
	or eax, CR4_LA57
.set_cr4:
	mov cr4, eax
	mov cr3, edi			; the new root (below 4 GiB)
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax			; long mode again (EFER.LME is still set), new tree
	jmp far [ebx + 26]

bits 64
.long64:
	lgdt [rsp]			; the caller's GDT again
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	; CS from the caller's GDT too (the same 64-bit code descriptor).
	lea rax, [.done]
	push qword SEL_CODE64
	push rax
	o64 retf
.done:
	add rsp, 32
	pop rbx
	ret

section .rodata
; Accessed bits preset, so loading a selector writes nothing into this
; read-only table.
align 16
switch_gdt:
	dq 0
	dq 0x00af9b000000ffff	; 0x08: 64-bit code
	dq 0x00cf93000000ffff	; 0x10: data, 4 GiB
	dq 0x00cf9b000000ffff	; 0x18: 32-bit code, 4 GiB
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
