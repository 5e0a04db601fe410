; The test kernel's exception entry under Xen PV (tests/kernel/pv.c). A PV
; guest has no IDT: Xen bounces an exception to the address in the trap
; table we registered, on the current stack, as
;   [rsp] rcx, r11, (error code, for the vectors that have one), rip, cs,
;   rflags, rsp, ss
; rcx and r11 come first because Xen returns to a ring-3 kernel through a
; sysret-like path that clobbers them. Popping them leaves exactly the
; hardware frame, so struct x86_frame (common/x86/cpu.h) and the one C
; handler, x86_trap (traps.c), serve both worlds.
;
; The way back cannot be iretq: the saved CS has RPL 0 (Xen reports the
; guest kernel's ring as 0, measured: cs 0xe030), and an iretq from ring 3
; to an RPL-0 selector faults. HYPERVISOR_iret does it: we push its flags
; word (0: not returning from a syscall) over the frame and jump to its
; stub, which pushes rcx, r11, rax itself (struct iret_context in Xen's
; xen-x86_64.h: rax, r11, rcx, flags, rip, cs, rflags, rsp, ss).
%include "gpr.inc"
bits 64
default rel
section .text

extern x86_trap, xen_hc_page

%define HYPERVISOR_IRET_NR 23	; __HYPERVISOR_iret; pv.c asserts it
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17)

%macro STUB 1
global tk_pv_trap_%1
align 16
tk_pv_trap_%1:
	pop rcx
	pop r11
%if !HAS_ERR(%1)
	push qword 0
%endif
	push qword %1
	jmp pv_common
%endmacro

%assign v 0
%rep 20
STUB v
%assign v v+1
%endrep

pv_common:
	cld
	SAVE_GPRS
	mov rdi, rsp
	; The frame is 8 mod 16 or 0 mod 16 depending on the error code: align
	; for the C call and keep the frame pointer in a callee-saved register.
	mov rbx, rsp
	and rsp, -16
	call x86_trap
	mov rsp, rbx
	RESTORE_GPRS
	add rsp, 16			; vector and error code
	push qword 0			; iret_context.flags: not from a syscall
	jmp xen_hc_page + HYPERVISOR_IRET_NR * 32

section .note.GNU-stack noalloc noexec nowrite progbits
