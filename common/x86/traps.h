/*
 * The loaders' exception handling (every world): #PF goes to the #PF
 * materializer of the tree that is live; anything it cannot serve, #DF (on
 * its IST stack) and every other vector print a decoded diagnostic and end
 * the run through eb_fail.
 */
#ifndef EARLYBOOT_X86_TRAPS_H
#define EARLYBOOT_X86_TRAPS_H

struct ep_ctx;

/* The context whose lazy regions #PF serves; NULL: none (every #PF fails). */
void eb_traps_serve(struct ep_ctx *ctx);

/*
 * debug= (enum eb_debug in cmdline.h): provoke a fault these handlers must
 * report, ending the run. Call once the served tree is live; a switch that
 * provokes no fault (0, wp-off) returns.
 */
void eb_debug_provoke(unsigned debug);

#endif
