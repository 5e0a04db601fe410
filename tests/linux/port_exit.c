/*
 * port-exit N: end the QEMU run through isa-debug-exit (port 0xf4) with
 * byte N, from user space. tests/linux/init writes the byte through
 * /dev/port; a kernel built without it (Debian's cloud kernel has no
 * CONFIG_DEVPORT) leaves init this program, which asks for the port with
 * ioperm(2) and writes it itself. No libc: a static ELF of a few hundred
 * bytes, built by mk/linux.mk into the test initramfs.
 */
#define SYS_EXIT 60
#define SYS_IOPERM 173
#define EXIT_PORT 0xf4

static long syscall3(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

__attribute__((noreturn)) static void leave(int status)
{
	for (;;)
		syscall3(SYS_EXIT, status, 0, 0);
}

/* Decimal 0..255, or -1. */
static int parse_byte(const char *s)
{
	int v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) > 255)
			return -1;
	}
	return v;
}

__attribute__((noreturn, used)) void port_exit_main(long argc, char **argv);

void port_exit_main(long argc, char **argv)
{
	int v = argc == 2 ? parse_byte(argv[1]) : -1;
	if (v < 0)
		leave(2);
	if (syscall3(SYS_IOPERM, EXIT_PORT, 1, 1) != 0)
		leave(1);
	__asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(EXIT_PORT));
	/* Still here: no isa-debug-exit on this machine. */
	leave(1);
}

/* The kernel's entry: argc at the stack pointer, argv after it. */
__asm__(".globl _start\n"
	"_start:\n"
	"	mov (%rsp), %rdi\n"
	"	lea 8(%rsp), %rsi\n"
	"	and $-16, %rsp\n"
	"	call port_exit_main\n");
