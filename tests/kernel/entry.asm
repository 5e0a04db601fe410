; Test kernel entries.
;
; _start, the earlyboot handoff (docs/handoff.md): 64-bit, CR3 live,
; rdi = boot info. Take our own stack at once; keep rdi for kmain.
;
; tk_pvh_start32, the PVH boot protocol (docs/pvh_handoff.md), named by our
; Xen note PHYS32_ENTRY: 32-bit flat protected mode, paging off, ebx = the
; hvm_start_info. Record what the CPU looked like (the pvh-cpu check judges
; it), build tables of our own (identity for the first 16 GiB with 2 MiB
; pages, and our link addresses), enter long mode and call kmain_pvh. We
; carry no PHYS32_RELOC note: the loader puts us where we are linked, so
; the stub uses our linked physical addresses as they are.
bits 64
default rel
section .text.entry
global _start
extern kmain
extern kmain_pvh
_start:
	cli
	lea rsp, [tk_stack_top]
	xor ebp, ebp
	call kmain		; never returns
.hang:
	hlt
	jmp .hang

%define VIRT_OFFSET	0xffffffff80000000	; linker/testkernel.ld
%define PA(x)		((x) - VIRT_OFFSET)
%define IDENTITY_GIB	16
%define PDE_LARGE	0x83			; present, writable, 2 MiB
%define TABLE		0x03			; present, writable
%define MSR_EFER	0xc0000080

bits 32
global tk_pvh_start32
tk_pvh_start32:
	cli
	mov [PA(tk_pvh_info_pa)], ebx
	mov eax, cr0
	mov [PA(tk_pvh_entry_cr0)], eax
	mov eax, cr4
	mov [PA(tk_pvh_entry_cr4)], eax
	mov ecx, MSR_EFER
	rdmsr
	mov [PA(tk_pvh_entry_efer)], eax
	mov esp, PA(tk_stack_top)
	; 2 MiB leaves for [0, IDENTITY_GIB GiB): entry n maps n << 21 (the
	; .bss is zero: the loader zero-fills memsz past filesz).
	mov edi, PA(pvh_pd)
	xor esi, esi
.leaf:
	mov eax, esi
	shl eax, 21
	or eax, PDE_LARGE
	mov edx, esi
	shr edx, 11
	mov [edi + esi * 8], eax
	mov [edi + esi * 8 + 4], edx
	inc esi
	cmp esi, IDENTITY_GIB * 512
	jb .leaf
	; One directory per GiB below the identity PDPT.
	xor esi, esi
.dir:
	mov eax, esi
	shl eax, 12
	add eax, PA(pvh_pd) + TABLE
	mov [PA(pvh_pdpt_low) + esi * 8], eax
	inc esi
	cmp esi, IDENTITY_GIB
	jb .dir
	; Our link addresses, 0xffffffff80000000 + pa: L4 slot 511, L3 slot
	; 510, the first GiB's directory again.
	mov dword [PA(pvh_pdpt_high) + 510 * 8], PA(pvh_pd) + TABLE
	mov dword [PA(pvh_pml4)], PA(pvh_pdpt_low) + TABLE
	mov dword [PA(pvh_pml4) + 511 * 8], PA(pvh_pdpt_high) + TABLE
	mov eax, 1 << 5			; CR4.PAE
	mov cr4, eax
	mov eax, PA(pvh_pml4)
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, 1 << 8			; EFER.LME
	wrmsr
	mov eax, (1 << 31) | (1 << 16) | 1	; PG, WP, PE
	mov cr0, eax
	lgdt [PA(pvh_gdt_ptr)]
	jmp 0x08:PA(.long64)

bits 64
.long64:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov rax, .high
	jmp rax
.high:
	lea rsp, [tk_stack_top]
	xor ebp, ebp
	mov edi, [tk_pvh_info_pa]
	call kmain_pvh		; never returns
.hang:
	hlt
	jmp .hang

; We take 5-level paging too (checks.c compares the boot info's levels with
; CR4.LA57; walk.c walks either depth): the note common/bootinfo.h defines
; (EB_ELFNOTE_NAME, EB_ELFNOTE_PAGING_LEVELS), in a PT_NOTE of its own
; (linker/testkernel.ld). Without it the loader hands over 4 levels. The
; note also says we speak the earlyboot handoff: the loader's default for
; us, though we carry a PVH entry too (docs/pvh_handoff.md).
section .note.earlyboot note alloc noexec nowrite align=4
	dd 10				; namesz: "earlyboot\0"
	dd 4				; descsz
	dd 1				; EB_ELFNOTE_PAGING_LEVELS
	db "earlyboot", 0, 0, 0		; name, padded to 4 bytes
	dd 5				; the deepest paging we take
; The PVH entry: Xen's note XEN_ELFNOTE_PHYS32_ENTRY (18), 4 bytes.
	dd 4				; namesz: "Xen\0"
	dd 4				; descsz
	dd 18				; XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dd PA(tk_pvh_start32)

section .data
align 8
pvh_gdt:
	dq 0
	dq 0x00af9b000000ffff		; 0x08: 64-bit code
	dq 0x00cf93000000ffff		; 0x10: data
.end:
pvh_gdt_ptr:
	dw pvh_gdt.end - pvh_gdt - 1
	dd PA(pvh_gdt)

section .bss
align 4096
pvh_pml4:
	resb 4096
pvh_pdpt_low:
	resb 4096
pvh_pdpt_high:
	resb 4096
pvh_pd:
	resb 4096 * IDENTITY_GIB
align 16
tk_stack:
	resb 32768
tk_stack_top:
global tk_pvh_entry_cr0, tk_pvh_entry_cr4, tk_pvh_entry_efer
tk_pvh_info_pa:
	resd 1
tk_pvh_entry_cr0:
	resd 1
tk_pvh_entry_cr4:
	resd 1
tk_pvh_entry_efer:
	resd 1

section .note.GNU-stack noalloc noexec nowrite progbits
