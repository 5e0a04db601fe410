/*
 * The one place the world-neutral code includes Xen's public headers from.
 * They need <stdint.h> first and __XEN_INTERFACE_VERSION__ defined before
 * them, or they fall back to the legacy interface without a word
 * (docs/platform.md). Every Xen ABI structure comes from here, never retyped.
 * Every world (PV, PVH, the test kernel) and the host tests include it.
 */
#ifndef EARLYBOOT_XEN_ABI_H
#define EARLYBOOT_XEN_ABI_H

#include <stdint.h>

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/elfnote.h>
#include <xen/memory.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/features.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#endif
