// SPDX-License-Identifier: MIT
/*
 * The registers gdb sees, in the order of the target description this
 * file serves (qXfer:features:read:target.xml): gdb's amd64 core feature
 * (general registers, rip, eflags, selectors, the x87 stack and control
 * registers), the sse feature (xmm0-15, mxcsr) and the segments feature
 * (fs_base, gs_base), as gdbserver's 64bit-core/sse/segments.xml name
 * them. The general registers come from a saved frame, the rest from the
 * process's fxsave64 area and bases (pl_process_fpregs).
 */
#include <stdio.h>
#include <string.h>

#include "gdbstub.h"

#define FX_FCW	 0
#define FX_FSW	 2
#define FX_FTW	 4 /* abridged: one bit per physical register, 1 = in use */
#define FX_FOP	 6
#define FX_FIP	 8
#define FX_FCS	 12
#define FX_FDP	 16
#define FX_FDS	 20
#define FX_MXCSR 24
#define FX_ST	 32
#define FX_XMM	 160

#define REG_ST0	    24
#define REG_FCTRL   32
#define REG_FTAG    34
#define REG_FOP	    39
#define REG_XMM0    40
#define REG_FS_BASE 57
#define REG_COUNT   59

static const char target_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>i386:x86-64</architecture>"
    "<feature name=\"org.gnu.gdb.i386.core\">"
    "<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>"
    "<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>"
    "<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>"
    "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>"
    "<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
    "</feature><feature name=\"org.gnu.gdb.i386.sse\">"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
    "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
    "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
    "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
    "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
    "</union>"
    "<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>"
    "<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>"
    "</feature><feature name=\"org.gnu.gdb.i386.segments\">"
    "<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>"
    "<reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>"
    "</feature></target>";

const char *gdb_target_xml(void)
{
	return target_xml;
}

char *gdb_put_hex(char *p, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *b = data;

	for (size_t i = 0; i < len; i++) {
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
	return p;
}

int gdb_get_hex(const char *s, void *data, size_t len)
{
	uint8_t *b = data;

	for (size_t i = 0; i < len; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (uint8_t)v;
	}
	return 0;
}

/* gdb's amd64 numbers 0..15 in pl_user_regs. */
static uint64_t *gpr(struct pl_user_regs *r, int n)
{
	uint64_t *const order[16] = { &r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi,
				      &r->rbp, &r->rsp, &r->r8,	 &r->r9,  &r->r10, &r->r11,
				      &r->r12, &r->r13, &r->r14, &r->r15 };

	return order[n];
}

int gdb_reg_size(int n)
{
	if (n < 0 || n >= REG_COUNT)
		return 0;
	if (n <= GDB_REG_RIP || n >= REG_FS_BASE)
		return 8;
	if (n < REG_ST0)
		return 4; /* eflags and the selectors */
	if (n < REG_FCTRL)
		return 10;
	if (n < REG_XMM0)
		return 4;
	return n < GDB_REG_MXCSR ? 16 : 4;
}

static uint16_t get16(const uint8_t *fx, int at)
{
	return (uint16_t)(fx[at] | fx[at + 1] << 8);
}

/* An x87 register's tag from its bits, as the full tag word has it (gdbserver's i387_ftag). */
static unsigned tag_of(const uint8_t *st)
{
	unsigned exp = (unsigned)(st[9] & 0x7f) << 8 | st[8];
	int integer = st[7] >> 7;
	int zero_mantissa = 1;

	for (int i = 0; i < 8; i++)
		zero_mantissa &= (i == 7 ? st[i] & 0x7f : st[i]) == 0;
	if (exp == 0x7fff)
		return 2; /* special */
	if (exp == 0)
		return zero_mantissa && !integer ? 1 : 2; /* zero, else denormal */
	return integer ? 0 : 2;				  /* valid, else unnormal */
}

/* The full tag word from fxsave's abridged one and the stack (physical register order). */
static uint32_t full_tag(const uint8_t *fx)
{
	unsigned top = (get16(fx, FX_FSW) >> 11) & 7, tag = 0;

	for (unsigned phys = 0; phys < 8; phys++) {
		unsigned t = 3; /* empty */

		if (fx[FX_FTW] & (1u << phys))
			t = tag_of(fx + FX_ST + 16 * ((phys - top) & 7));
		tag |= t << (2 * phys);
	}
	return tag;
}

/* The value of x87 control register n (fctrl..fop) from the fxsave area. */
static uint32_t fpu_control(const uint8_t *fx, int n)
{
	uint32_t v;

	switch (n - REG_FCTRL) {
	case 0:
		return get16(fx, FX_FCW);
	case 1:
		return get16(fx, FX_FSW);
	case 2:
		return full_tag(fx);
	case 3:
		return get16(fx, FX_FCS);
	case 4:
		memcpy(&v, fx + FX_FIP, 4);
		return v;
	case 5:
		return get16(fx, FX_FDS);
	case 6:
		memcpy(&v, fx + FX_FDP, 4);
		return v;
	default:
		return get16(fx, FX_FOP) & 0x7ff;
	}
}

char *gdb_reg_put(char *p, struct gdb_regs *r, int n)
{
	const uint8_t *fx = r->fp.fxsave;
	uint32_t v32;
	int size = gdb_reg_size(n);

	if (n < GDB_REG_RIP)
		return gdb_put_hex(p, gpr(&r->gpr, n), 8);
	if (n == GDB_REG_RIP)
		return gdb_put_hex(p, &r->gpr.rip, 8);
	if (n < REG_ST0) {
		v32 = n == GDB_REG_EFLAGS ? (uint32_t)r->gpr.rflags
		      : n == 18		  ? (uint32_t)r->gpr.cs
		      : n == 19		  ? (uint32_t)r->gpr.ss
					  : 0;
		return gdb_put_hex(p, &v32, 4);
	}
	if (!r->fp_valid) { /* not known at this stop: gdb shows <unavailable> */
		memset(p, 'x', (size_t)size * 2);
		p[size * 2] = '\0';
		return p + size * 2;
	}
	if (n < REG_FCTRL)
		return gdb_put_hex(p, fx + FX_ST + 16 * (n - REG_ST0), 10);
	if (n <= REG_FOP)
		return v32 = fpu_control(fx, n), gdb_put_hex(p, &v32, 4);
	if (n < GDB_REG_MXCSR)
		return gdb_put_hex(p, fx + FX_XMM + 16 * (n - REG_XMM0), 16);
	if (n == GDB_REG_MXCSR)
		return gdb_put_hex(p, fx + FX_MXCSR, 4);
	return gdb_put_hex(p, n == REG_FS_BASE ? &r->fp.fs_base : &r->fp.gs_base, 8);
}

/* An x87 control register: fctrl, fstat, the tag (abridged again) and fop; the rest as is. */
static void set_fpu_control(uint8_t *fx, int n, uint32_t v)
{
	static const int at[8] = { FX_FCW, FX_FSW, FX_FTW, FX_FCS, FX_FIP, FX_FDS, FX_FDP, FX_FOP };
	int i = n - REG_FCTRL;

	if (i == 2) {
		uint8_t abridged = 0;

		for (int phys = 0; phys < 8; phys++)
			if (((v >> (2 * phys)) & 3) != 3)
				abridged |= (uint8_t)(1u << phys);
		fx[FX_FTW] = abridged;
		return;
	}
	if (i == 7)
		v &= 0x7ff;
	memcpy(fx + at[i], &v, i == 4 || i == 6 ? 4 : 2);
}

int gdb_reg_set(struct gdb_regs *r, int n, const char *hex)
{
	uint8_t buf[16];
	uint64_t v = 0;
	int size = gdb_reg_size(n);

	if (!size || gdb_get_hex(hex, buf, (size_t)size))
		return -1;
	memcpy(&v, buf, size < 8 ? (size_t)size : 8);
	if (n < GDB_REG_RIP)
		*gpr(&r->gpr, n) = v;
	else if (n == GDB_REG_RIP)
		r->gpr.rip = v;
	else if (n == GDB_REG_EFLAGS)
		r->gpr.rflags = v;
	else if (n < REG_ST0)
		return 0; /* the selectors are the kernel's: a write is ignored, as ptrace does */
	else if (!r->fp_valid)
		return -1;
	else if (n < REG_FCTRL)
		memcpy(r->fp.fxsave + FX_ST + 16 * (n - REG_ST0), buf, 10);
	else if (n <= REG_FOP)
		set_fpu_control(r->fp.fxsave, n, (uint32_t)v);
	else if (n < GDB_REG_MXCSR)
		memcpy(r->fp.fxsave + FX_XMM + 16 * (n - REG_XMM0), buf, 16);
	else if (n == GDB_REG_MXCSR)
		memcpy(r->fp.fxsave + FX_MXCSR, buf, 4);
	else
		*(n == REG_FS_BASE ? &r->fp.fs_base : &r->fp.gs_base) = v;
	return 0;
}

int gdb_regs_put_all(char *p, struct gdb_regs *r)
{
	for (int n = 0; n < REG_COUNT; n++)
		p = gdb_reg_put(p, r, n);
	return 0;
}

int gdb_regs_set_all(struct gdb_regs *r, const char *hex)
{
	size_t len = strlen(hex);

	for (int n = 0; n < REG_COUNT && len; n++) {
		size_t want = 2 * (size_t)gdb_reg_size(n);

		if (len < want)
			return -1;
		/* gdb sends 'x' for what it does not know: leave those as they are. */
		if (hex[0] != 'x' && (r->fp_valid || n < REG_ST0) && gdb_reg_set(r, n, hex))
			return -1;
		hex += want;
		len -= want;
	}
	return 0;
}
