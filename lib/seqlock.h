/*
 * seqlock.h - one writer, any number of readers, no locks: the writer
 * bumps a sequence counter to odd, stores the data, bumps it to even; a
 * reader copies the data and retries when the counter was odd or moved
 * (Boehm, "Can seqlocks get along with programming language memory
 * models?", MSPC 2012).  Data words are stored with release and loaded
 * with acquire (plain moves on x86 and ARMv8): a reader that sees any new
 * word also sees the odd counter stored before it.  No standalone fences,
 * which ThreadSanitizer cannot model.  Data must be whole 8-byte words.
 */
#ifndef PORTTOP_SEQLOCK_H
#define PORTTOP_SEQLOCK_H

#include <stddef.h>
#include <stdint.h>

/* SEQLOCK_DATA(type): the data a seqlock guards must be whole 8-byte
 * words (the copies below move uint64_t words); checked at compile time
 * where such a type is defined. */
#define SEQLOCK_DATA(type) \
	_Static_assert(sizeof(type) % 8 == 0, \
		       #type " is not whole 8-byte words")

/* seqlock_store: the writer publishes n bytes (a multiple of 8) from src
 * into dst under *seq. */
static inline void seqlock_store(uint32_t *seq, void *dst, const void *src,
				 size_t n)
{
	uint32_t q = *seq;	/* only the writer stores it */
	uint64_t *d = dst;
	const uint64_t *s = src;

	__atomic_store_n(seq, q + 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < n / 8; i++)
		__atomic_store_n(&d[i], s[i], __ATOMIC_RELEASE);
	__atomic_store_n(seq, q + 2, __ATOMIC_RELEASE);
}

/* seqlock_begin, seqlock_copy, seqlock_retry: a reader's consistent
 * snapshot made of several copies (a count, then as many items as it
 * says): q = seqlock_begin(seq), copy with seqlock_copy (n bytes, a
 * multiple of 8), and start again while seqlock_retry(seq, q). */
static inline uint32_t seqlock_begin(const uint32_t *seq)
{
	return __atomic_load_n(seq, __ATOMIC_ACQUIRE);
}

static inline void seqlock_copy(void *dst, const void *src, size_t n)
{
	uint64_t *d = dst;
	const uint64_t *s = src;

	for (size_t i = 0; i < n / 8; i++)
		d[i] = __atomic_load_n(&s[i], __ATOMIC_ACQUIRE);
}

static inline int seqlock_retry(const uint32_t *seq, uint32_t q)
{
	return (q & 1) || __atomic_load_n(seq, __ATOMIC_RELAXED) != q;
}

/* seqlock_load: any thread copies n bytes from src (under *seq) to dst, a
 * consistent snapshot; never blocks the writer, retries while it writes. */
static inline void seqlock_load(const uint32_t *seq, void *dst,
				const void *src, size_t n)
{
	uint32_t q;

	do {
		q = seqlock_begin(seq);
		seqlock_copy(dst, src, n);
	} while (seqlock_retry(seq, q));
}

#endif
