; Test kernel entry, per docs/handoff.md: 64-bit, CR3 live, rdi = boot info.
; Take our own stack at once; keep rdi for kmain.
bits 64
default rel
section .text.entry
global _start
extern kmain
_start:
	cli
	lea rsp, [tk_stack_top]
	xor ebp, ebp
	call kmain		; never returns
.hang:
	hlt
	jmp .hang

; We take 5-level paging too (checks.c compares the boot info's levels with
; CR4.LA57; walk.c walks either depth): the note common/bootinfo.h defines
; (EB_ELFNOTE_NAME, EB_ELFNOTE_PAGING_LEVELS), in a PT_NOTE of its own
; (linker/testkernel.ld). Without it the loader hands over 4 levels.
section .note.earlyboot note alloc noexec nowrite align=4
	dd 10				; namesz: "earlyboot\0"
	dd 4				; descsz
	dd 1				; EB_ELFNOTE_PAGING_LEVELS
	db "earlyboot", 0, 0, 0		; name, padded to 4 bytes
	dd 5				; the deepest paging we take

section .bss
align 16
tk_stack:
	resb 32768
tk_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
