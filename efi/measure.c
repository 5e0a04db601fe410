/*
 * Measured boot (docs/measured-boot.md): where the firmware offers
 * EFI_TCG2_PROTOCOL, every file earlyboot hands over and both command
 * lines are extended into PCRs, each with an EV_IPL event in the
 * firmware's event log, before anything of them runs. No TPM: nothing is
 * measured and one line says so. A TPM that fails a measurement ends the
 * run: a boot that goes on unmeasured would look, to whoever reads the
 * PCRs, like no boot at all, and nothing would say why.
 *
 * Linux entered through its 64-bit entry never runs its EFI stub, which
 * is what hands Linux the event log (a configuration table of Linux's
 * own); efi_tpm_hand_log_to_linux does the stub's part.
 */
#include "fmt.h"
#include "libc.h"
#include "loader.h"
#include "tcg2_defs.h"
#include "tcg2_log.h"

#define DESC_MAX (EB_PATH_MAX + 32) /* "earlyboot initrd " + a path */

static struct {
	struct eb_tcg2_protocol *tcg2; /* NULL: no TPM, nothing measured */
	uint32_t banks;                /* EFI_TCG2_EVENT_ALGORITHM_BITMAP */
	uint32_t pcrs;                 /* bit n: PCR n was extended */
	bool bad_pcr;                  /* debug=tcg2-bad-pcr */
} tpm;

/* A TPM 2.0 PC client has PCRs 0-23: HashLogExtendEvent refuses this one. */
#define PCR_NONE 24

void efi_tpm_debug_bad_pcr(void)
{
	if (!tpm.tcg2)
		eb_fail("debug=tcg2-bad-pcr: no TPM, so no measurement to refuse");
	tpm.bad_pcr = true;
}

static void bank_names(uint32_t banks, char *out, size_t max)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ EB_TCG2_HASH_SHA1, "sha1" },     { EB_TCG2_HASH_SHA256, "sha256" },
		{ EB_TCG2_HASH_SHA384, "sha384" }, { EB_TCG2_HASH_SHA512, "sha512" },
		{ EB_TCG2_HASH_SM3_256, "sm3" },
	};
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (banks & names[i].bit)
			n += (size_t)eb_snprintf(out + n, max - n, "%s%s", n ? " " : "",
						 names[i].name);
	if (!n)
		eb_snprintf(out, max, "none");
}

void efi_tpm_init(EFI_SYSTEM_TABLE *st)
{
	EFI_GUID g = EB_TCG2_PROTOCOL_GUID;
	struct eb_tcg2_protocol *p = NULL;
	if (EFI_ERROR(st->BootServices->LocateProtocol(&g, NULL, (void **)&p)) || !p) {
		eb_info("measured boot: no TPM (the firmware offers no EFI_TCG2_PROTOCOL): nothing is measured");
		return;
	}
	struct eb_tcg2_capability cap;
	memset(&cap, 0, sizeof cap);
	cap.Size = sizeof cap;
	EFI_STATUS s = p->GetCapability(p, &cap);
	if (EFI_ERROR(s))
		eb_fail("measured boot: EFI_TCG2_PROTOCOL GetCapability: %s", efi_status_name(s));
	if (!cap.TPMPresentFlag) {
		eb_info("measured boot: no TPM (EFI_TCG2_PROTOCOL reports none present): nothing is measured");
		return;
	}
	tpm.tcg2 = p;
	tpm.banks = cap.ActivePcrBanks;
	char banks[64];
	bank_names(tpm.banks, banks, sizeof banks);
	eb_info("measured boot: TPM 2.0 (EFI_TCG2_PROTOCOL %u.%u, active PCR banks: %s): kernel and initrd into PCR %u, the command lines into PCR %u",
		cap.ProtocolVersion.Major, cap.ProtocolVersion.Minor, banks,
		EB_PCR_FILES, EB_PCR_CMDLINE);
}

void efi_measure(unsigned pcr, const char *what, const char *name,
		 const void *data, uint64_t len)
{
	if (!tpm.tcg2)
		return;
	if (tpm.bad_pcr)
		pcr = PCR_NONE;
	static union {
		struct eb_tcg2_event ev;
		uint8_t bytes[sizeof(struct eb_tcg2_event) + DESC_MAX];
	} buf;
	/* The event's data: what was measured, in words (not hashed). */
	int n = eb_snprintf((char *)buf.ev.Event, DESC_MAX, "earlyboot %s%s%s", what,
			    name[0] ? " " : "", name);
	if (n < 0 || n >= DESC_MAX)
		n = DESC_MAX - 1; /* cut; the digest is what counts */
	buf.ev.Size = (UINT32)(sizeof buf.ev + (size_t)n);
	buf.ev.Header.HeaderSize = sizeof buf.ev.Header;
	buf.ev.Header.HeaderVersion = 1;
	buf.ev.Header.PCRIndex = pcr;
	buf.ev.Header.EventType = EB_EV_IPL;
	EFI_STATUS s = tpm.tcg2->HashLogExtendEvent(tpm.tcg2, 0,
						    (EFI_PHYSICAL_ADDRESS)(uintptr_t)data,
						    len, &buf.ev);
	/*
	 * EFI_VOLUME_FULL: the PCR was extended, only the log had no room.
	 * The PCR still tells the truth; a replay of the log will not match.
	 */
	if (s == EFI_VOLUME_FULL)
		eb_info("measured boot: %s %s: PCR %u extended, but the event log is full: the event is not logged",
			what, name, pcr);
	else if (EFI_ERROR(s))
		eb_fail("measured boot: %s%s%s: HashLogExtendEvent into PCR %u: %s", what,
			name[0] ? " " : "", name, pcr, efi_status_name(s));
	tpm.pcrs |= 1u << pcr;
	eb_info("measured boot: %s%s%s: %llu bytes into PCR %u (EV_IPL \"%s\")", what,
		name[0] ? " " : "", name, (unsigned long long)len, pcr,
		(const char *)buf.ev.Event);
}

uint32_t efi_measured_pcrs(void) { return tpm.pcrs; }

/* Linux's own configuration table for the log (its EFI stub installs it). */
#define LINUX_TPM_EVENT_LOG_GUID \
	{ 0xb7799cb0, 0xeca2, 0x4943, { 0x96, 0x67, 0x1f, 0xae, 0x07, 0xb7, 0x47, 0xfa } }

struct linux_tpm_event_log {
	UINT32 size;                      /* bytes of log[] */
	UINT32 final_events_preboot_size; /* of those, also in the final table */
	UINT8 version;                    /* EFI_TCG2_EVENT_LOG_FORMAT */
	UINT8 log[];
};

/*
 * The bytes the final-events table already holds: events logged after
 * someone before us asked for the log, which our copy holds too, so
 * Linux must not append them twice.
 */
static uint64_t final_events_bytes(EFI_SYSTEM_TABLE *st)
{
	EFI_GUID g = EB_TCG2_FINAL_EVENTS_TABLE_GUID;
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, &g, sizeof g))
			continue;
		const uint8_t *p = t->VendorTable;
		uint64_t nr;
		memcpy(&nr, p + 8, sizeof nr); /* after Version */
		uint64_t off = 16;
		for (uint64_t k = 0; k < nr; k++) {
			/* The table has no length of its own: the log area's 64 KiB at most. */
			size_t sz = eb_tcg2_event_size(p + off, 0x10000);
			if (!sz)
				eb_fail("measured boot: the firmware's final events table: event %llu unreadable",
					(unsigned long long)k);
			off += sz;
		}
		return off - 16;
	}
	return 0;
}

void efi_tpm_hand_log_to_linux(EFI_SYSTEM_TABLE *st)
{
	if (!tpm.tcg2)
		return;
	EFI_PHYSICAL_ADDRESS first = 0, last = 0;
	BOOLEAN truncated = FALSE;
	EFI_STATUS s = tpm.tcg2->GetEventLog(tpm.tcg2, EB_TCG2_EVENT_LOG_FORMAT_TCG_2,
					     &first, &last, &truncated);
	if (EFI_ERROR(s))
		eb_fail("measured boot: EFI_TCG2_PROTOCOL GetEventLog: %s", efi_status_name(s));
	if (!first || last < first) {
		eb_info("measured boot: the firmware keeps no event log: Linux gets none");
		return;
	}
	/* The last entry's start is known, not its end: read its size. */
	size_t last_size = eb_tcg2_event_size((const uint8_t *)last, 0x10000);
	if (!last_size)
		eb_fail("measured boot: the firmware's event log: its last event at 0x%llx is unreadable",
			(unsigned long long)last);
	uint64_t size = last - first + last_size;
	uint64_t preboot = final_events_bytes(st);
	struct linux_tpm_event_log *t = NULL;
	/* As Linux's stub does: ACPI reclaim memory, which Linux keeps. */
	s = st->BootServices->AllocatePool(EfiACPIReclaimMemory, sizeof *t + size, (void **)&t);
	if (EFI_ERROR(s))
		eb_fail("measured boot: no memory for a copy of the %llu-byte event log: %s",
			(unsigned long long)size, efi_status_name(s));
	t->size = (UINT32)size;
	t->final_events_preboot_size = (UINT32)preboot;
	t->version = EB_TCG2_EVENT_LOG_FORMAT_TCG_2;
	memcpy(t->log, (const void *)first, size);
	EFI_GUID g = LINUX_TPM_EVENT_LOG_GUID;
	s = st->BootServices->InstallConfigurationTable(&g, t);
	if (EFI_ERROR(s))
		eb_fail("measured boot: installing the event log for Linux: %s", efi_status_name(s));
	eb_info("measured boot: event log of %llu bytes handed to Linux (its configuration table)%s",
		(unsigned long long)size, truncated ? "; the firmware says it is truncated" : "");
}
