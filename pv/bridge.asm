; The bridge (pv/bridge.h): copied into the last padding page of a PV
; kernel's new region, where the staging tree and the kernel's tree both
; map it; run from there with the staging tree live. Position independent,
; no stack, hypercalls by `syscall` (64-bit PV: number in eax, arguments in
; rdi, rsi, rdx, r10; rcx and r11 clobbered; result in rax).
%define DATA		0x400
%define D_ENTRY		0
%define D_START_INFO	8
%define D_STACK_TOP	16
%define D_NEXT		24
%define D_NGIVE_BACK	32
%define D_IOPL		40
%define D_EXT		48
%define D_GIVE_BACK	128
%define HC_SET_TRAP_TABLE	0
%define HC_MMU_UPDATE		1
%define HC_CONSOLE_IO		18
%define HC_MMUEXT_OP		26
%define HC_PHYSDEV_OP		33
%define PHYSDEVOP_SET_IOPL	6
%define DOMID_SELF		0x7ff0
%define EXIT_PORT		0xf4
%define EXIT_LOADER_FAIL	0x12

; The code is data here: it runs only as the copy.
section .rodata
bits 64
align 16
global pv_bridge_code, pv_bridge_code_end
pv_bridge_code:
	lea rbx, [rel pv_bridge_code + DATA]
	; A fresh domain has no trap table; ours is in memory the kernel owns.
	xor edi, edi
	mov eax, HC_SET_TRAP_TABLE
	syscall
	lea rbp, [rel msg_traps]
	mov r12d, msg_traps_len
	test rax, rax
	jnz .fail
	; Load the kernel's root, unpin the staging tree.
	lea rdi, [rbx + D_EXT]
	mov rsi, [rbx + D_NEXT]
	xor edx, edx
	mov r10d, DOMID_SELF
	mov eax, HC_MMUEXT_OP
	syscall
	lea rbp, [rel msg_switch]
	mov r12d, msg_switch_len
	test rax, rax
	jnz .fail
	; The staging tree's frames: writable again, now that they are untyped.
	mov rsi, [rbx + D_NGIVE_BACK]
	test rsi, rsi
	jz .iopl
	lea rdi, [rbx + D_GIVE_BACK]
	xor edx, edx
	mov r10d, DOMID_SELF
	mov eax, HC_MMU_UPDATE
	syscall
	lea rbp, [rel msg_give_back]
	mov r12d, msg_give_back_len
	test rax, rax
	jnz .fail
.iopl:
	; I/O privilege as a fresh domain has it (the kernel raises it itself).
	mov edi, PHYSDEVOP_SET_IOPL
	lea rsi, [rbx + D_IOPL]
	mov eax, HC_PHYSDEV_OP
	syscall
	lea rbp, [rel msg_iopl]
	mov r12d, msg_iopl_len
	test rax, rax
	jnz .fail
	mov rsp, [rbx + D_STACK_TOP]
	mov rsi, [rbx + D_START_INFO]
	xor eax, eax
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor edi, edi
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	jmp [rel pv_bridge_code + DATA + D_ENTRY]
.fail:
	; One line from this page (the loader is not mapped any more), the
	; loader's failure status, then a fault: no trap table, so Xen ends
	; the domain rather than letting it spin.
	xor edi, edi
	mov esi, r12d
	mov rdx, rbp
	mov eax, HC_CONSOLE_IO
	syscall
	mov al, EXIT_LOADER_FAIL
	out EXIT_PORT, al
	ud2

msg_traps: db "earlyboot: error: PV start of day (bridge): set_trap_table(NULL) refused by Xen", 10
msg_traps_len equ $ - msg_traps
msg_switch: db "earlyboot: error: PV start of day (bridge): mmuext_op NEW_BASEPTR (the kernel's root) + UNPIN (the staging tree) refused by Xen", 10
msg_switch_len equ $ - msg_switch
msg_give_back: db "earlyboot: error: PV start of day (bridge): mmu_update giving the staging frames back writable refused by Xen", 10
msg_give_back_len equ $ - msg_give_back
msg_iopl: db "earlyboot: error: PV start of day (bridge): PHYSDEVOP_set_iopl(0) refused by Xen", 10
msg_iopl_len equ $ - msg_iopl
pv_bridge_code_end:

section .note.GNU-stack noalloc noexec nowrite progbits
