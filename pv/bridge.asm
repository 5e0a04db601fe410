; The bridge (pv/bridge.h): copied into the last padding page of a PV
; kernel's new region, where the staging tree and the kernel's tree both
; map it; called from there with the staging tree live. Position
; independent; hypercalls by `syscall` (64-bit PV: number in eax,
; arguments in rdi, rsi, rdx, r10; rcx and r11 clobbered, and a debug
; build of Xen also spoils the argument registers; result in rax).
;
; Until the switch the loader's stack is there: the registers the loader
; keeps across a call are saved on it, and a refusal returns. After the
; switch nothing of the loader is mapped: a refusal first undoes what Xen
; carried out and loads the staging tree again, then returns the same way.
%define DATA		0x400
%define D_ENTRY		0
%define D_START_INFO	8
%define D_STACK_TOP	16
%define D_NGIVE_BACK	24
%define D_GIVE_BACK_DONE	32
%define D_IOPL		40
%define D_LOAD		48
%define D_UNPIN		72
%define D_BACK		96
%define D_GIVE_BACK	128
%define MMU_UPDATE_SIZE	16
%define PAGE_RW		2
%define HC_SET_TRAP_TABLE	0
%define HC_MMU_UPDATE		1
%define HC_CONSOLE_IO		18
%define HC_MMUEXT_OP		26
%define HC_PHYSDEV_OP		33
%define PHYSDEVOP_SET_IOPL	6
%define DOMID_SELF		0x7ff0
%define EXIT_PORT		0xf4
%define EXIT_LOADER_FAIL	0x12
; The steps, as pv/bridge.h numbers them.
%define STEP_TRAPS	1
%define STEP_IOPL	2
%define STEP_LOAD	3
%define STEP_UNPIN	4
%define STEP_GIVE_BACK	5

; One hypercall with up to four arguments already in place; rc in r12 and
; the step in ebp, then to %2 when Xen refused it.
%macro hcall 2
	mov r10d, DOMID_SELF
	mov eax, %1
	syscall
	mov r12, rax
	test rax, rax
	jnz %2
%endmacro

; The code is data here: it runs only as the copy.
section .rodata
bits 64
align 16
global pv_bridge_code, pv_bridge_code_end
pv_bridge_code:
	push rbx
	push rbp
	push r12
	push r13
	lea rbx, [rel pv_bridge_code + DATA]
	; A fresh domain has no trap table; ours is in memory the kernel owns.
	mov ebp, STEP_TRAPS
	xor edi, edi
	hcall HC_SET_TRAP_TABLE, .back
	; I/O privilege as a fresh domain has it (the kernel raises it itself).
	mov ebp, STEP_IOPL
	mov edi, PHYSDEVOP_SET_IOPL
	lea rsi, [rbx + D_IOPL]
	hcall HC_PHYSDEV_OP, .back
	; The switch: the kernel's root. Refused, nothing changed.
	mov ebp, STEP_LOAD
	lea rdi, [rbx + D_LOAD]
	mov esi, 1
	xor edx, edx
	hcall HC_MMUEXT_OP, .back
	; From here the loader (and its stack) is not mapped.
	mov ebp, STEP_UNPIN
	lea rdi, [rbx + D_UNPIN]
	mov esi, 1
	xor edx, edx
	hcall HC_MMUEXT_OP, .reload
	; The staging tree's frames: writable again, now that they are untyped.
	mov ebp, STEP_GIVE_BACK
	mov rsi, [rbx + D_NGIVE_BACK]
	test rsi, rsi
	jz .enter
	lea rdi, [rbx + D_GIVE_BACK]
	lea rdx, [rbx + D_GIVE_BACK_DONE]
	hcall HC_MMU_UPDATE, .take_back
.enter:
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

.take_back:
	; The requests Xen carried out map staging frames writable: read-only
	; again, or the staging tree could not be a tree again.
	mov r13, [rbx + D_GIVE_BACK_DONE]
	test r13, r13
	jz .reload
	lea rdi, [rbx + D_GIVE_BACK + 8]
	mov rcx, r13
.clear_rw:
	and qword [rdi], ~PAGE_RW
	add rdi, MMU_UPDATE_SIZE
	dec rcx
	jnz .clear_rw
	lea rdi, [rbx + D_GIVE_BACK]
	mov rsi, r13
	xor edx, edx
	mov r10d, DOMID_SELF
	mov eax, HC_MMU_UPDATE
	syscall
	test rax, rax
	jnz .stranded
.reload:
	; The staging tree again (still pinned, or typed again by the load).
	lea rdi, [rbx + D_BACK]
	mov esi, 1
	xor edx, edx
	mov r10d, DOMID_SELF
	mov eax, HC_MMUEXT_OP
	syscall
	test rax, rax
	jnz .stranded
.back:
	; The loader's tree is live: return {Xen's code, the step}.
	mov rax, r12
	mov edx, ebp
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret

.stranded:
	; Xen refused a step after the switch and then its undo: the loader
	; cannot be reached. One line from this page (console_io: heard only
	; by dom0), the loader's failure status, then a fault: no trap table,
	; so Xen ends the domain rather than letting it spin.
	xor edi, edi
	mov esi, msg_stranded_len
	lea rdx, [rel msg_stranded]
	mov eax, HC_CONSOLE_IO
	syscall
	mov al, EXIT_LOADER_FAIL
	out EXIT_PORT, al
	ud2

msg_stranded: db "earlyboot: error: PV start of day (bridge): Xen refused a step after the switch to the kernel's tree, and the way back to the loader's", 10
msg_stranded_len equ $ - msg_stranded
pv_bridge_code_end:

section .note.GNU-stack noalloc noexec nowrite progbits
