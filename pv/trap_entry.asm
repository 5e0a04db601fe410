; Exception entry points for the trap table (pv/traps.c). Xen bounces an
; exception to a 64-bit PV kernel on the kernel stack as
;   [rsp] rcx, r11, (error code, for the vectors that have one), rip, cs,
;   rflags, rsp, ss
; (rcx and r11 are on top because the guest runs in ring 3 and Xen returns
; through sysret-like paths). Each stub pushes a zero error code where the
; CPU has none, then the vector, so pv_trap sees one layout.
bits 64
extern pv_trap

%macro stub 2			; vector, has error code
global pv_trap_%1
pv_trap_%1:
	pop rcx
	pop r11
%if %2 == 0
	push 0
%endif
	push %1
	jmp trap_common
%endmacro

section .text
stub 0, 0
stub 1, 0
stub 2, 0
stub 3, 0
stub 4, 0
stub 5, 0
stub 6, 0
stub 7, 0
stub 8, 1
stub 10, 1
stub 11, 1
stub 12, 1
stub 13, 1
stub 14, 1
stub 16, 0
stub 17, 1
stub 18, 0
stub 19, 0

; rsp -> vector, error code, rip, cs, rflags, rsp, ss
trap_common:
	mov rdi, rsp
	and rsp, -16
	call pv_trap			; never returns: a diagnostic and the exit
.hang:
	jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
