; Leaving long mode, for the two reasons a native loader has to:
;
; x86_paging_switch(root_pa, la57): change CR4.LA57, which may change only
; while EFER.LMA is 0, and come back on the tree at root_pa
; (paging_depth.h says why and when).
;
; x86_enter_pvh(entry, start_info_pa, stack_top, keep_pae): never come back:
; enter a kernel through the PVH boot protocol, in 32-bit flat protected
; mode with paging off, ebx = start_info_pa (docs/pvh_handoff.md).
;
; Both run the same way out of long mode (leave_long_mode below): our GDT,
; a far return to 32-bit code, paging off. Called with interrupts off, from
; text identity-mapped below 4 GiB in the old (and, for the depth switch,
; the new) tree, with the stack, the GDT and root_pa below 4 GiB too
; (paging_depth.c checks them): 32-bit code runs at these addresses with
; paging off, loads CR3 from a 32-bit register, reads the far pointer back
; from the stack, and GDTR keeps only its low 32 base bits. Position
; independent (the PE loader links with -fpic): no absolute address is
; assembled in, each is computed from rip at run time.
bits 64
default rel
section .text

%define CR0_PE		(1 << 0)
%define CR0_ET		(1 << 4)
%define CR0_PG		(1 << 31)
%define CR4_PAE		(1 << 5)
%define CR4_PCIDE	(1 << 17)
%define CR4_LA57	(1 << 12)
%define MSR_EFER	0xc0000080
%define EFER_LME	(1 << 8)
%define SEL_CODE64	0x08		; in both our GDT here and common/x86/cpu.c's
%define SEL_DATA	0x10
%define SEL_CODE32	0x18		; here only
%define SEL_TSS32	0x20		; here only

; The frame both entries keep on the stack (rsp below 4 GiB):
; [rsp+0]: the caller's GDTR (10 bytes), put back by the depth switch.
; [rsp+16]: ours (10 bytes). [rsp+26]: far pointer (m16:32) back to 64-bit.
%define FRAME 32

global x86_paging_switch
x86_paging_switch:
	push rbx
	sub rsp, FRAME
	sgdt [rsp]
	lea rax, [.long64]
	mov [rsp + 26], eax
	mov word [rsp + 30], SEL_CODE64
	lea rdx, [.depth32]
	jmp leave_long_mode

bits 32
.depth32:
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
	add rsp, FRAME
	pop rbx
	ret

global x86_enter_pvh
x86_enter_pvh:
	mov rsp, rdx
	sub rsp, FRAME
	mov ebp, ecx			; keep_pae (defect=cpu), past the rdmsr below
	lea rdx, [.pvh32]
	jmp leave_long_mode

bits 32
.pvh32:
	; EFER.LME off: a kernel that turns paging on must not land in long
	; mode by accident. LMA dropped with paging already.
	mov ecx, MSR_EFER
	rdmsr
	and eax, ~EFER_LME
	wrmsr
	; CR4 all clear (defect=cpu leaves PAE on: the kernel must notice).
	xor eax, eax
	test ebp, ebp
	jz .pvh_cr4
	mov eax, CR4_PAE
.pvh_cr4:
	mov cr4, eax
	mov eax, CR0_PE | CR0_ET	; every other writable bit clear
	mov cr0, eax
	; TR: a 32-bit TSS, base 0, limit 0x67, as the protocol describes it.
	; ltr marks its descriptor busy: a write into our rodata, harmless
	; with paging off, and this GDT is never loaded again.
	mov eax, SEL_TSS32
	ltr ax
	mov eax, edi			; the entry
	mov ebx, esi			; the start info
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor edi, edi
	xor ebp, ebp
	jmp eax

bits 64
; Common way out: in rdx the 32-bit continuation (below 4 GiB), rsp at the
; frame above. Our GDT, compatibility mode, flat data segments, paging off
; (EFER.LMA drops to 0), then on to the continuation with ebx = esp.
leave_long_mode:
	lea rax, [switch_gdt]
	mov word [rsp + 16], switch_gdt.end - switch_gdt - 1
	mov [rsp + 18], rax
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
	; Flat 32-bit data segments: [ebx] is read through DS.
	mov eax, SEL_DATA
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov eax, cr0
	and eax, ~CR0_PG
	mov cr0, eax			; paging off: EFER.LMA drops to 0
	jmp edx

section .rodata
; Accessed bits preset, so loading a selector writes nothing into this
; read-only table (the TSS descriptor's busy bit aside: see .pvh32).
align 16
global x86_switch_gdt
x86_switch_gdt:
switch_gdt:
	dq 0
	dq 0x00af9b000000ffff	; 0x08: 64-bit code
	dq 0x00cf93000000ffff	; 0x10: data, 4 GiB
	dq 0x00cf9b000000ffff	; 0x18: 32-bit code, 4 GiB
	dq 0x0000890000000067	; 0x20: 32-bit TSS, available, base 0, limit 0x67
.end:

section .note.GNU-stack noalloc noexec nowrite progbits
