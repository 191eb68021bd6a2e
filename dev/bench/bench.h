/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the benchmark workloads: the clock, the measurement
 * length and the one output format the host's table reads:
 *	BENCH <name> <value> <unit> <higher|lower>
 *	BENCH <name> unsupported - -	(the kernel refused a setup or feature)
 *	BENCH <name> failed - -		(anything else went wrong)
 *
 * A workload measures a row between bench_start() and the first false
 * bench_going(). Timed (make bench), that is bench_secs() of it. For
 * make profile, BENCH_ROW names one row, the others are skipped
 * (bench_wanted()), and that row runs exactly BENCH_OPS operations inside
 * insn-prof window BENCH_WINDOW (1 or 2): the QEMU plugin counts the
 * kernel instructions executed between the markers.
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds per measurement point: $BENCH_SECS, 1.5 unless told. */
static inline double bench_secs(void)
{
	const char *s = getenv("BENCH_SECS");
	double v = s ? atof(s) : 0;

	return v > 0 ? v : 1.5;
}

static inline void bench_report(const char *name, double value,
				const char *unit, const char *better)
{
	printf("BENCH %s %.0f %s %s\n", name, value, unit, better);
	fflush(stdout);
}

/* The errors that say "this kernel does not do that". */
static inline int bench_is_unsupported(int err)
{
	if (err < 0)
		err = -err;
	return err == EINVAL || err == EOPNOTSUPP || err == ENOSYS ||
	       err == EPROTONOSUPPORT || err == EAFNOSUPPORT;
}

/* Report @name as unsupported or failed, by @err (an errno, either sign). */
static inline void bench_fail(const char *name, const char *what, int err)
{
	if (err < 0)
		err = -err;
	fprintf(stderr, "%s: %s: %s\n", name, what, strerror(err));
	printf("BENCH %s %s - -\n", name,
	       bench_is_unsupported(err) ? "unsupported" : "failed");
	fflush(stdout);
}

/* xorshift64: the same cheap random offsets on both kernels. */
static inline unsigned long long bench_rand(unsigned long long *s)
{
	unsigned long long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * insn-prof's window markers (../shared/tools/insn-prof): a NOP with a
 * magic displacement, 0x5150CCWW: CC 01 opens a window, 02 closes window
 * WW. Plain NOPs anywhere but under the plugin.
 */
#define BENCH_MARK_BEGIN() \
	asm volatile(".byte 0x0f,0x1f,0x80,0x00,0x01,0x50,0x51" ::: "memory")
#define BENCH_MARK_END(w) \
	asm volatile(".byte 0x0f,0x1f,0x80,%c0,0x02,0x50,0x51" :: "i"(w) : "memory")

/* One row's measurement: timed, or (profile) counted in a window. */
struct bench_clock {
	double t0, secs;
	unsigned long long ops;		/* profile: operations to run */
	int window;			/* profile: 1 or 2; 0 when timed */
};

/* Is row @name measured in this run? */
static inline bool bench_wanted(const char *name)
{
	const char *row = getenv("BENCH_ROW");

	return !row || !strcmp(row, name);
}

/* Start measuring, after the row's setup. */
static inline void bench_start(struct bench_clock *c)
{
	const char *ops = getenv("BENCH_OPS");
	const char *win = getenv("BENCH_WINDOW");

	c->secs = bench_secs();
	c->ops = getenv("BENCH_ROW") && ops ? strtoull(ops, NULL, 0) : 0;
	c->window = c->ops ? (win && atoi(win) == 2 ? 2 : 1) : 0;
	if (c->window)
		BENCH_MARK_BEGIN();
	c->t0 = bench_now();
}

/*
 * Go on after @done operations? Sets *@t to the seconds so far. Timed
 * loops may ask only every so many operations (bench_counted() says when
 * they must ask every time).
 */
static inline bool bench_going(struct bench_clock *c, unsigned long long done,
			       double *t)
{
	if (c->window && done < c->ops)
		return true;
	*t = bench_now() - c->t0;
	if (!c->window)
		return *t < c->secs;
	if (c->window == 2)
		BENCH_MARK_END(2);
	else
		BENCH_MARK_END(1);
	return false;
}

/* A profile run: the loop must ask bench_going() after every step. */
static inline bool bench_counted(const struct bench_clock *c)
{
	return c->window;
}

#endif
