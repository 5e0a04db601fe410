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

section .bss
align 16
tk_stack:
	resb 32768
tk_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
