#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct sink {
	char *buf;
	size_t size, len;
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

/* min_digits as C's precision: 0 prints nothing for the value 0. */
static void put_num(struct sink *s, uint64_t v, unsigned base, bool upper,
		    bool negative, unsigned width, char pad, unsigned min_digits)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[88];
	unsigned n = 0;

	if (min_digits > 64)
		min_digits = 64;
	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	while (n < min_digits)
		tmp[n++] = '0';
	if (negative && pad == '0')
		put(s, '-');
	for (unsigned i = n + (negative ? 1u : 0u); i < width; i++)
		put(s, pad);
	if (negative && pad != '0')
		put(s, '-');
	while (n)
		put(s, tmp[--n]);
}

int eb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0 };

	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&s, *p);
			continue;
		}
		p++;
		char pad = ' ';
		bool left = false;
		unsigned width = 0, lng = 0, prec = 1;
		bool has_prec = false;
		for (; *p == '0' || *p == '-'; p++) {
			if (*p == '0')
				pad = '0';
			else
				left = true;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (unsigned)(*p - '0');
		if (*p == '.') {
			has_prec = true;
			prec = 0;
			for (p++; *p >= '0' && *p <= '9'; p++)
				prec = prec * 10 + (unsigned)(*p - '0');
			pad = ' '; /* as C: a precision overrides the 0 flag */
		}
		for (; *p == 'l' || *p == 'z'; p++)
			lng++;
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_num(&s, mag, 10, false, v < 0, width, pad, prec);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, unsigned long long)
					 : va_arg(ap, unsigned);
			put_num(&s, v, *p == 'u' ? 10 : 16, *p == 'X', false, width,
				pad, prec);
			break;
		}
		case 'p':
			put(&s, '0');
			put(&s, 'x');
			put_num(&s, (uint64_t)(uintptr_t)va_arg(ap, void *), 16,
				false, false, 0, ' ', 1);
			break;
		case 'c':
			put(&s, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			size_t n = 0;
			if (!str)
				str = "(null)";
			/* A precision bounds the read too: str need not end. */
			while ((!has_prec || n < prec) && str[n])
				n++;
			if (!left)
				for (size_t i = n; i < width; i++)
					put(&s, ' ');
			for (size_t i = 0; i < n; i++)
				put(&s, str[i]);
			if (left)
				for (size_t i = n; i < width; i++)
					put(&s, ' ');
			break;
		}
		case '%':
			put(&s, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			put(&s, '%');
			put(&s, *p);
			break;
		}
	}
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int eb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = eb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void eb_fmt_bytes(char *out, size_t outlen, const void *p, uint64_t len,
		  unsigned max)
{
	const uint8_t *b = p;
	size_t at = 0;
	if (outlen)
		out[0] = '\0';
	if (!len) {
		eb_snprintf(out, outlen, "none");
		return;
	}
	for (uint64_t i = 0; i < len && i < max && at < outlen; i++)
		at += (size_t)eb_snprintf(out + at, outlen - at, "%s%02x",
					  i ? " " : "", b[i]);
}
