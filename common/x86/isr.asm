; Exception entry stubs shared by every image: push a uniform frame
; (struct x86_frame in cpu.h) and call x86_trap. Position independent, so
; the PE loader (-fpic) and the test kernel (-mcmodel=kernel) both link it.
%include "gpr.inc"
bits 64
default rel
section .text

extern x86_trap

; Vectors where the CPU pushes an error code.
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21)

%macro STUB 1
align 16
isr_%1:
%if !HAS_ERR(%1)
	push qword 0
%endif
	push qword %1
	jmp isr_common
%endmacro

%assign v 0
%rep 32
STUB v
%assign v v+1
%endrep

isr_common:
	cld
	SAVE_GPRS
	mov rdi, rsp
	call x86_trap wrt ..plt
	RESTORE_GPRS
	add rsp, 16		; vector and error code
	iretq

; x86_switch_stack(top, fn, arg): continue in fn(arg) on a new stack.
global x86_switch_stack
x86_switch_stack:
	mov rsp, rdi
	xor ebp, ebp
	mov rdi, rdx
	push rbp		; fake return address: fn never returns
	jmp rsi

; x86_enter_kernel(entry, rdi, rsp): the earlyboot handoff jump.
global x86_enter_kernel
x86_enter_kernel:
	mov rax, rdi
	mov rdi, rsi
	mov rsp, rdx
	ZERO_GPRS_BUT_ARGS
	xor esi, esi
	push 0			; as if called: rsp % 16 == 8 at entry
	jmp rax

; x86_enter_linux(entry, boot_params, rsp): the Linux boot protocol's
; 64-bit entry (docs/linux.md): flat 4 GiB segments at __BOOT_CS 0x10 and
; __BOOT_DS 0x18 (not our own GDT's numbers), rsi = the zero page,
; interrupts off (they are: cli before the tables went live).
global x86_enter_linux
x86_enter_linux:
	mov rsp, rdx
	lea rax, [linux_gdt]
	sub rsp, 16
	mov word [rsp + 6], linux_gdt.end - linux_gdt - 1
	mov [rsp + 8], rax
	lgdt [rsp + 6]
	add rsp, 16
	mov eax, 0x18
	mov ds, eax
	mov es, eax
	mov ss, eax
	xor eax, eax
	mov fs, eax
	mov gs, eax
	lea rax, [.cs_reloaded]
	push qword 0x10
	push rax
	o64 retf
.cs_reloaded:
	mov rax, rdi
	ZERO_GPRS_BUT_ARGS
	xor edi, edi
	jmp rax

section .data
; Descriptors with their accessed bit already set: loading them writes
; nothing into this table.
align 16
linux_gdt:
	dq 0
	dq 0
	dq 0x00af9b000000ffff	; 0x10: 64-bit code, exec/read
	dq 0x00cf93000000ffff	; 0x18: data, read/write, 4 GiB
.end:

align 8
global x86_isr_table
x86_isr_table:
%assign v 0
%rep 32
	dq isr_ %+ v
%assign v v+1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
