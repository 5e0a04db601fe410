; PVH entry (Xen's x86 direct boot ABI, <xen/arch-x86/hvm/start_info.h>).
; QEMU (-kernel) and Xen (dom0=pvh) enter here in 32-bit protected mode:
; flat CS/DS/ES/SS, paging off, ebx = physical address of struct
; hvm_start_info, no stack, nothing else promised. We do the least long
; mode needs: zero .bss, take our stack, identity-map this image with 2 MiB
; pages (a throwaway map, the one piece of page-table code outside
; common/paging/, because no C can run yet: pvh/bootstrap.c replaces it at
; once with a tree built through common/paging/early_paging.h), turn on PAE, LME (and NXE when the
; CPU has NX), paging and WP, load a GDT with a 64-bit code segment, and
; call pvh_main(start_info_pa).

%define XEN_ELFNOTE_PHYS32_ENTRY 18	; <xen/elfnote.h>; pvh/main.c asserts it

%define CR0_PE		(1 << 0)
%define CR0_WP		(1 << 16)
%define CR0_PG		(1 << 31)
%define CR4_PAE		(1 << 5)
%define MSR_EFER	0xc0000080
%define EFER_LME	(1 << 8)
%define EFER_NXE	(1 << 11)
%define PTE_P_RW_PS	0x83
%define PTE_P_RW	0x03
%define EXIT_PORT	0xf4		; isa-debug-exit (bootinfo.h EB_EXIT_PORT)
%define EXIT_LOADER_FAIL 0x12		; EB_EXIT_LOADER_FAIL

extern pvh_main
extern __image_start, __image_end, __bss_start, __bss_end

; The note QEMU and Xen look for: name "Xen", type PHYS32_ENTRY, the 32-bit
; physical entry point. linker/pvh.ld keeps it in a PT_NOTE segment;
; tools/check-pvh-note fails the build if it is lost or differs from e_entry.
section .note.Xen note alloc noexec nowrite align=4
	dd 4				; namesz: "Xen\0"
	dd 4				; descsz
	dd XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dd pvh_start32

section .text.entry progbits alloc exec nowrite align=16
bits 32
global pvh_start32
pvh_start32:
	cli
	cld
	mov esi, ebx			; start_info: kept in esi throughout

	; .bss holds our stack and the tables below. Loaders zero p_memsz past
	; p_filesz, but the ABI does not say so: zero it ourselves.
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb
	mov esp, boot_stack_top

	; Long mode is required; NX is optional here (pvh_main refuses to
	; hand over without it, with a message, which we cannot print yet).
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	mov ebp, edx			; EDX.NX (bit 20), for EFER below

	; PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = 2 MiB leaf i for every 2 MiB
	; block the image touches (linker/pvh.ld keeps it below 1 GiB).
	mov dword [boot_pml4], boot_pdpt + PTE_P_RW
	mov dword [boot_pdpt], boot_pd + PTE_P_RW
	mov ecx, __image_start
	shr ecx, 21
	mov edx, __image_end
	add edx, (1 << 21) - 1
	shr edx, 21
.leaf:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P_RW_PS
	mov [boot_pd + ecx * 8], eax
	inc ecx
	cmp ecx, edx
	jb .leaf

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	test ebp, 1 << 20
	jz .efer
	or eax, EFER_NXE
.efer:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP | CR0_PE
	mov cr0, eax
	lgdt [boot_gdt_ptr]
	jmp 0x08:start64

.no_long_mode:
	; Nothing to print with yet: end the run with the loader's verdict.
	mov al, EXIT_LOADER_FAIL
	out EXIT_PORT, al
.halt32:
	hlt
	jmp .halt32

bits 64
start64:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov edi, esi			; pvh_main(start_info_pa), zero-extended
	xor ebp, ebp
	call pvh_main
.halt64:
	cli
	hlt
	jmp .halt64

section .rodata progbits alloc noexec nowrite align=16
; null, 64-bit code (0x08), data (0x10): the selectors common/x86/cpu.h
; uses, so x86_cpu_init's GDT simply takes over.
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff
	dq 0x00cf92000000ffff
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

section .bss nobits alloc noexec write align=4096
boot_pml4:	resb 4096
boot_pdpt:	resb 4096
boot_pd:	resb 4096
global boot_stack, boot_stack_top
boot_stack:	resb 65536
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
