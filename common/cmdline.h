/*
 * The loader's command line, one syntax in every world:
 *
 *	[option ...] [-- kernel command line]
 *
 * Options are separated by blanks; everything after the first "--" word is
 * the kernel's command line, passed on verbatim (leading blanks and a
 * trailing newline dropped). Options: kernel=PATH, initrd=PATH, ptdump,
 * quiet, paging=4|5 (the handed-over tree's depth; docs/early_paging.md,
 * "Paging depth"), protocol=earlyboot|linux|pvh|efi (how the kernel is entered;
 * docs/pvh_handoff.md, "Which protocol"), defect=NAME (debug: break one handoff promise on purpose),
 * debug=NAME (debug: provoke one of the loader's own faults).
 * kernel= and initrd= name files on the UEFI volume, members of the boot
 * module's cpio in the worlds that boot from one module (PVH, PV).
 */
#ifndef EARLYBOOT_CMDLINE_H
#define EARLYBOOT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "bootinfo.h"

#define EB_LINE_MAX 2048 /* whole loader command line, NUL excluded */
#define EB_PATH_MAX 256  /* kernel= and initrd= values, NUL included */

/*
 * Loader debug switches (`debug=NAME`). Unlike defect=, they break no
 * handoff promise: the fault switches end the run in the loader's own
 * exception handlers, so the boot tests can show those handlers work;
 * wp-off plays a predecessor that left the CPU in a poor state, which the
 * loader must repair; the bridge and TPM switches make Xen or the firmware
 * refuse a step, which the loader must report. What each does is up to the world.
 */
enum eb_debug {
	EB_DEBUG_NONE = 0,
	EB_DEBUG_FAULT_OUTSIDE,    /* touch an address outside every lazy region */
	EB_DEBUG_FAULT_IN_HANDLER, /* ...and make the #PF handler fault: #DF */
	EB_DEBUG_WP_OFF,           /* clear CR0.WP before the loader's go-live */
	/*
	 * Xen PV, a kernel that takes the bridge (pv/bridge.h): Xen is made to
	 * refuse one of its steps, so the tests see the refusal's line and
	 * the way back to the loader's tree.
	 */
	EB_DEBUG_BRIDGE_LOAD,      /* NEW_BASEPTR names a frame that is no L4 */
	EB_DEBUG_BRIDGE_UNPIN,     /* UNPIN names a frame that is not pinned */
	EB_DEBUG_BRIDGE_GIVE_BACK, /* the give-back ends with a request on no table */
	/* UEFI with a TPM: the kernel is measured into PCR 24, which no TPM has. */
	EB_DEBUG_TCG2_BAD_PCR,
	EB_DEBUG_MAX = EB_DEBUG_TCG2_BAD_PCR,
};

/*
 * How the kernel is entered (`protocol=NAME`); DEFAULT lets the rule of
 * common/boot.c (eb_boot_parse_kernel) choose from the kernel and the world.
 */
enum eb_protocol {
	EB_PROTOCOL_DEFAULT = 0,
	EB_PROTOCOL_EARLYBOOT, /* docs/handoff.md */
	EB_PROTOCOL_LINUX,     /* the Linux boot protocol, docs/linux.md */
	EB_PROTOCOL_PVH,       /* Xen's PVH entry, docs/pvh_handoff.md */
	EB_PROTOCOL_EFI,       /* the firmware starts it as a PE image, docs/uefi.md */
	EB_PROTOCOL_MAX = EB_PROTOCOL_EFI,
};

struct eb_options {
	char kernel[EB_PATH_MAX]; /* "" when not given */
	char initrd[EB_PATH_MAX]; /* "" when not given */
	bool ptdump, quiet;
	unsigned defect; /* enum eb_defect */
	unsigned debug;  /* enum eb_debug */
	/*
	 * paging=: 0 when not given (5 levels where the CPU offers LA57 and
	 * the kernel declares it can take them, else 4), or 4 or 5.
	 */
	unsigned paging;
	unsigned protocol; /* enum eb_protocol; 0 when not given */
	/*
	 * A "--" was given (even with nothing after it): the world then uses
	 * kernel_cmdline as is and ignores any command line the boot module
	 * carries (a cpio's `cmdline` member).
	 */
	bool kernel_cmdline_given;
	char kernel_cmdline[EB_CMDLINE_MAX];
};

/*
 * Parse len bytes of line (need not be NUL-terminated). 0 on success; -1 with
 * a one-line reason in err (e.g. "unknown option 'foo'") otherwise. A line
 * without kernel= parses; the world decides that it is an error.
 */
int eb_parse_cmdline(const char *line, size_t len, struct eb_options *out,
		     char *err, size_t errlen);

/*
 * The defect=, debug= and protocol= names each world gives a meaning to (a Xen PV
 * guest owns neither EFER nor CR0, a native one has no spare template
 * frames): 0 when every name in o applies to world (enum eb_world), else
 * -1 with one line naming the option, the world and the worlds it is for.
 */
int eb_options_check_world(const struct eb_options *o, uint32_t world,
			   char *err, size_t errlen);

/* "magic", "memmap", ... for enum eb_defect; NULL for 0 or out of range. */
const char *eb_defect_name(unsigned defect);
/* "earlyboot", "linux", "pvh", "efi" for enum eb_protocol; NULL for 0. */
const char *eb_protocol_name(unsigned protocol);
/* "fault-outside", ... for enum eb_debug; NULL for 0 or out of range. */
const char *eb_debug_name(unsigned debug);

#endif
