/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the benchmark workloads: the clock, the measurement
 * length and the one output format the host's table reads:
 *	BENCH <name> <value> <unit> <higher|lower>
 *	BENCH <name> unsupported - -	(the kernel refused a setup or feature)
 *	BENCH <name> failed - -		(anything else went wrong)
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
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

#endif
