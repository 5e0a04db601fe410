/*
 * Reading the firmware's TPM event log in the crypto-agile format (TCG PC
 * Client Platform Firmware Profile, "TCG_PCR_EVENT2"): how many bytes one
 * event takes. Split from measure.c so the host can build it: the unit
 * test (tests/unit/test_tcg2_log.c) runs it on good and broken events.
 */
#ifndef EARLYBOOT_EFI_TCG2_LOG_H
#define EARLYBOOT_EFI_TCG2_LOG_H

#include <stddef.h>
#include <stdint.h>

/* The digest size of a TPM_ALG_ID, 0 for one this reader does not know. */
unsigned eb_tcg2_digest_size(uint16_t alg);

/*
 * The size of the TCG_PCR_EVENT2 at ev, of which avail bytes may be read:
 * PCR index, event type, the digest list (count, then per digest its
 * algorithm and bytes), the event size and the event data. 0 when it does
 * not fit in avail or names an algorithm of unknown size (a log entry
 * cannot be measured without knowing it).
 */
size_t eb_tcg2_event_size(const uint8_t *ev, size_t avail);

#endif
