// SPDX-License-Identifier: MIT
/*
 * kvsnprintf: the integer and string subset of C99 printf, with C99's rules
 * for flags, width and precision, so kernel messages read like printf's and
 * the host's snprintf can serve as the test oracle.
 *
 * Beyond C99: %p prints "(nil)" for NULL (as glibc does), %s prints "(null)"
 * for NULL (cut by the precision), and an unknown conversion is copied out as
 * written. %n is not supported (it is never needed and only ever abused).
 */
#include <kernel/format.h>
#include <kernel/types.h>

#define INT_MAX_ ((size_t)__INT_MAX__)

enum {
	F_LEFT = 0x01,
	F_ZERO = 0x02,
	F_PLUS = 0x04,
	F_SPACE = 0x08,
	F_ALT = 0x10,
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned flags;
	int width;
	int prec; /* -1: none given */
	enum length len;
};

/* Output that counts everything but stores only what fits, keeping room for the NUL. */
struct sink {
	char *buf;
	size_t size;
	size_t len;
	bool overflow; /* a width or precision beyond INT_MAX */
};

static void emit_fill(struct sink *s, char c, size_t n)
{
	size_t room = s->len + 1 < s->size ? s->size - 1 - s->len : 0;
	size_t k = n < room ? n : room;

	for (size_t i = 0; i < k; i++)
		s->buf[s->len + i] = c;
	s->len += n;
}

static void emit_mem(struct sink *s, const char *p, size_t n)
{
	size_t room = s->len + 1 < s->size ? s->size - 1 - s->len : 0;
	size_t k = n < room ? n : room;

	for (size_t i = 0; i < k; i++)
		s->buf[s->len + i] = p[i];
	s->len += n;
}

static void emit_padded(struct sink *s, const struct spec *sp, const char *p, size_t n)
{
	size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;

	if (!(sp->flags & F_LEFT))
		emit_fill(s, ' ', pad);
	emit_mem(s, p, n);
	if (sp->flags & F_LEFT)
		emit_fill(s, ' ', pad);
}

/*
 * Lay out [spaces][sign][prefix][zeros][digits][spaces]. Precision is the
 * minimum digit count (0 with value 0 prints no digit); the 0 flag pads with
 * zeros only when no precision is given and the field is right-aligned.
 */
static void emit_number(struct sink *s, const struct spec *sp, u64 v, char sign, unsigned base,
			bool upper, const char *prefix)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24];
	size_t nd = 0, np = 0, zeros = 0, total, pad;

	if (!(v == 0 && sp->prec == 0)) {
		do {
			digits[nd++] = set[v % base];
			v /= base;
		} while (v);
	}
	while (prefix && prefix[np])
		np++;
	if (sp->prec > 0 && (size_t)sp->prec > nd)
		zeros = (size_t)sp->prec - nd;
	/* %#o: the first digit printed is a zero. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;
	total = (sign ? 1 : 0) + np + zeros + nd;
	pad = (size_t)sp->width > total ? (size_t)sp->width - total : 0;
	if ((sp->flags & (F_LEFT | F_ZERO)) == F_ZERO && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & F_LEFT))
		emit_fill(s, ' ', pad);
	if (sign)
		emit_fill(s, sign, 1);
	emit_mem(s, prefix, np);
	emit_fill(s, '0', zeros);
	while (nd)
		emit_fill(s, digits[--nd], 1);
	if (sp->flags & F_LEFT)
		emit_fill(s, ' ', pad);
}

static s64 arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z: /* the signed type of size_t's width */
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T: /* the unsigned type of ptrdiff_t's width */
		return (u64)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

static const char *parse_flags(const char *p, struct spec *sp)
{
	for (;; p++) {
		switch (*p) {
		case '-':
			sp->flags |= F_LEFT;
			break;
		case '0':
			sp->flags |= F_ZERO;
			break;
		case '+':
			sp->flags |= F_PLUS;
			break;
		case ' ':
			sp->flags |= F_SPACE;
			break;
		case '#':
			sp->flags |= F_ALT;
			break;
		default:
			return p;
		}
	}
}

/* A decimal field; more than INT_MAX marks the whole call as failed. */
static const char *parse_num(const char *p, int *out, struct sink *s)
{
	size_t v = 0;

	while (*p >= '0' && *p <= '9') {
		if (v <= INT_MAX_)
			v = v * 10 + (size_t)(*p - '0');
		p++;
	}
	if (v > INT_MAX_) {
		s->overflow = true;
		v = 0;
	}
	*out = (int)v;
	return p;
}

static const char *parse_length(const char *p, enum length *len)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			*len = LEN_HH;
			return p + 2;
		}
		*len = LEN_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			*len = LEN_LL;
			return p + 2;
		}
		*len = LEN_L;
		return p + 1;
	case 'z':
		*len = LEN_Z;
		return p + 1;
	case 't':
		*len = LEN_T;
		return p + 1;
	case 'j':
		*len = LEN_J;
		return p + 1;
	default:
		*len = LEN_NONE;
		return p;
	}
}

/* Everything between '%' and the conversion letter. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap, struct sink *s)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	p = parse_flags(p, sp);
	if (*p == '*') {
		int w = va_arg(*ap, int);

		/* A negative width argument is a '-' flag and a positive width. */
		if (w < -__INT_MAX__) {
			s->overflow = true;
			w = 0;
		} else if (w < 0) {
			sp->flags |= F_LEFT;
			w = -w;
		}
		sp->width = w;
		p++;
	} else {
		p = parse_num(p, &sp->width, s);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			sp->prec = pr < 0 ? -1 : pr;
			p++;
		} else {
			p = parse_num(p, &sp->prec, s);
		}
	}
	return parse_length(p, &sp->len);
}

static char sign_of(const struct spec *sp, bool negative)
{
	if (negative)
		return '-';
	if (sp->flags & F_PLUS)
		return '+';
	if (sp->flags & F_SPACE)
		return ' ';
	return 0;
}

static void emit_string(struct sink *s, const struct spec *sp, const char *str)
{
	size_t n = 0;

	if (!str)
		str = "(null)";
	/* Never read past the precision: the argument need not be terminated. */
	while ((sp->prec < 0 || n < (size_t)sp->prec) && str[n])
		n++;
	emit_padded(s, sp, str, n);
}

/* One conversion; false if c is not a conversion this formatter knows. */
static bool convert(struct sink *s, struct spec *sp, char c, va_list *ap)
{
	switch (c) {
	case 'd':
	case 'i': {
		s64 v = arg_signed(ap, sp->len);
		u64 mag = v < 0 ? -(u64)v : (u64)v;

		emit_number(s, sp, mag, sign_of(sp, v < 0), 10, false, NULL);
		return true;
	}
	case 'u':
		emit_number(s, sp, arg_unsigned(ap, sp->len), 0, 10, false, NULL);
		return true;
	case 'o':
		emit_number(s, sp, arg_unsigned(ap, sp->len), 0, 8, false, NULL);
		return true;
	case 'x':
	case 'X': {
		u64 v = arg_unsigned(ap, sp->len);
		const char *prefix = (sp->flags & F_ALT) && v ? (c == 'x' ? "0x" : "0X") : NULL;

		emit_number(s, sp, v, 0, 16, c == 'X', prefix);
		return true;
	}
	case 'p': {
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);

		if (v) {
			emit_number(s, sp, v, sign_of(sp, false), 16, false, "0x");
		} else {
			sp->prec = -1;
			emit_string(s, sp, "(nil)");
		}
		return true;
	}
	case 'c': {
		char ch = (char)va_arg(*ap, int);

		emit_padded(s, sp, &ch, 1);
		return true;
	}
	case 's':
		emit_string(s, sp, va_arg(*ap, const char *));
		return true;
	case '%':
		emit_fill(s, '%', 1);
		return true;
	default:
		return false;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size, .len = 0, .overflow = false };
	struct spec sp;
	va_list args;
	const char *p = fmt;

	va_copy(args, ap);
	while (*p) {
		const char *start = p;

		if (*p != '%') {
			while (*p && *p != '%')
				p++;
			emit_mem(&s, start, (size_t)(p - start));
			continue;
		}
		p = parse_spec(p + 1, &sp, &args, &s);
		if (*p && convert(&s, &sp, *p, &args)) {
			p++;
			continue;
		}
		if (*p)
			p++;
		emit_mem(&s, start, (size_t)(p - start));
	}
	va_end(args);
	if (size > 0)
		buf[s.len < size ? s.len : size - 1] = '\0';
	if (s.overflow || s.len > INT_MAX_)
		return -1;
	return (int)s.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
