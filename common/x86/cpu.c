#include "cpu.h"

#include "paging/early_paging.h"
#include "libc.h"

/* isr.asm: one stub per exception vector. */
extern const uint64_t x86_isr_table[32];

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[32] __attribute__((aligned(16)));
/* null, code64 (0x08), data (0x10), TSS (0x18, two slots). */
static uint64_t gdt[5] __attribute__((aligned(16)));

static void set_gate(unsigned v, uint64_t handler, unsigned ist)
{
	idt[v] = (struct idt_gate){
		.off_lo = (uint16_t)handler,
		.sel = X86_SEL_CODE,
		.ist = (uint8_t)ist,
		.type = 0x8e, /* present, DPL 0, 64-bit interrupt gate: IF off */
		.off_mid = (uint16_t)(handler >> 16),
		.off_hi = (uint32_t)(handler >> 32),
	};
}

void x86_cpu_init(uint64_t df_stack_top)
{
	memset(&tss, 0, sizeof tss);
	tss.ist[0] = df_stack_top; /* IST1 */
	tss.iomap_base = sizeof tss;

	uint64_t base = (uint64_t)&tss, limit = sizeof tss - 1;
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL; /* code: L=1, P, DPL 0, exec/read */
	gdt[2] = 0x00cf92000000ffffULL; /* data: P, DPL 0, read/write */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | /* present, available 64-bit TSS */
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	for (unsigned v = 0; v < 32; v++)
		set_gate(v, x86_isr_table[v], v == X86_VEC_DF ? 1 : 0);

	struct desc_ptr g = { sizeof gdt - 1, (uint64_t)gdt };
	struct desc_ptr i = { sizeof idt - 1, (uint64_t)idt };
	/* Reload CS with a far return, then the data segments and TR. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 "ltr %w3\n\t"
			 "lidt %4"
			 :
			 : "m"(g), "i"(X86_SEL_CODE), "i"(X86_SEL_DATA),
			   "r"((uint16_t)X86_SEL_TSS), "m"(i)
			 : "rax", "memory");
}

const char *x86_vector_name(uint64_t v)
{
	static const char *const names[32] = {
		"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
		"#OF overflow", "#BR bound range", "#UD invalid opcode",
		"#NM device not available", "#DF double fault",
		"coprocessor segment overrun", "#TS invalid TSS",
		"#NP segment not present", "#SS stack fault",
		"#GP general protection", "#PF page fault", "reserved 15",
		"#MF x87 error", "#AC alignment check", "#MC machine check",
		"#XM SIMD error", "#VE virtualization", "#CP control protection",
	};
	return v < 32 && names[v] ? names[v] : "reserved";
}

void x86_paging_caps(struct x86_paging_caps *c)
{
	uint32_t a, b, cx, d = 0;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(0x80000000u));
	uint32_t max_ext = a;
	d = 0;
	if (max_ext >= 0x80000001u)
		__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d)
				 : "a"(0x80000001u), "c"(0));
	c->nx = d & (1u << 20);
	c->leaf_mask = EP_LEAF_4K | EP_LEAF_2M | ((d & (1u << 26)) ? EP_LEAF_1G : 0);
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	c->levels = (cr4 & (1u << 12)) ? 5 : 4; /* LA57 */
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(0), "c"(0));
	cx = 0;
	if (a >= 7)
		__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d)
				 : "a"(7u), "c"(0));
	c->la57 = cx & (1u << 16);
}
