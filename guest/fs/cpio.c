// SPDX-License-Identifier: MIT
/*
 * cpio "newc" reader. A newc entry is a 110-byte ASCII header (6-byte magic
 * and 13 fields of 8 hex digits), the NUL-terminated name padded so the data
 * starts on a 4-byte boundary, then the data padded to 4 bytes again.
 *
 * Offsets are only ever compared against the remaining length
 * (len - off), never summed first, so no field value can wrap them.
 */
#include <kernel/cpio.h>

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	NR_FIELDS
};

static const char trailer[] = "TRAILER!!!";

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len)
{
	it->base = archive;
	it->len = archive ? len : 0;
	it->off = 0;
	it->state = 0;
}

size_t cpio_iter_offset(const struct cpio_iter *it)
{
	return it->off;
}

const char *cpio_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case CPIO_ERR_TRUNCATED:
		return "archive truncated";
	case CPIO_ERR_MAGIC:
		return "bad magic (not a newc cpio archive)";
	case CPIO_ERR_HEX:
		return "header field is not hexadecimal";
	case CPIO_ERR_NAME:
		return "bad file name";
	case CPIO_ERR_MODE:
		return "bad file mode";
	case CPIO_ERR_CHECKSUM:
		return "data checksum mismatch";
	case CPIO_ERR_NO_TRAILER:
		return "archive ends without TRAILER!!!";
	default:
		return "unknown error";
	}
}

static int hex8(const u8 *p, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		u8 c = p[i];
		u32 d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -CPIO_ERR_HEX;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* Bytes needed to bring x up to the next multiple of 4. */
static size_t pad4(size_t x)
{
	return (4 - (x & 3)) & 3;
}

static bool name_is(const char *name, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len && lit[i]; i++)
		if (name[i] != lit[i])
			return false;
	return i == len && !lit[i];
}

/*
 * Strip leading "/" and "./" and check that the rest is a clean relative
 * path: components separated by single slashes, none "" or "." or "..".
 * "." and "/" alone name the root and give an empty path.
 */
static int clean_path(struct cpio_entry *e, size_t namelen)
{
	const char *p = e->name;
	size_t n = namelen;
	size_t comp = 0;

	for (;;) {
		if (n >= 1 && p[0] == '/') {
			p++;
			n--;
		} else if (n >= 2 && p[0] == '.' && p[1] == '/') {
			p += 2;
			n -= 2;
		} else {
			break;
		}
	}
	if (n == 1 && p[0] == '.')
		n = 0;
	e->path = p;
	e->pathlen = n;
	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/') {
			comp++;
			continue;
		}
		if (comp == 0 || name_is(p + i - comp, comp, ".") ||
		    name_is(p + i - comp, comp, ".."))
			return -CPIO_ERR_NAME;
		comp = 0;
	}
	return 0;
}

static int check_mode(const struct cpio_entry *e)
{
	switch (e->mode & CPIO_S_IFMT) {
	case CPIO_S_IFREG:
		return 0;
	case CPIO_S_IFLNK:
		return e->size >= 1 && e->size < CPIO_NAME_MAX ? 0 : -CPIO_ERR_MODE;
	case CPIO_S_IFDIR:
	case CPIO_S_IFCHR:
	case CPIO_S_IFBLK:
	case CPIO_S_IFIFO:
	case CPIO_S_IFSOCK:
		return e->size == 0 ? 0 : -CPIO_ERR_MODE;
	default:
		return -CPIO_ERR_MODE;
	}
}

static int parse_header(const u8 *h, u32 f[NR_FIELDS], bool *crc)
{
	static const char magic[] = "07070";

	for (int i = 0; i < 5; i++)
		if (h[i] != (u8)magic[i])
			return -CPIO_ERR_MAGIC;
	if (h[5] != '1' && h[5] != '2')
		return -CPIO_ERR_MAGIC;
	*crc = h[5] == '2';
	for (int i = 0; i < NR_FIELDS; i++)
		if (hex8(h + 6 + 8 * i, &f[i]))
			return -CPIO_ERR_HEX;
	return 0;
}

static void fill_entry(struct cpio_entry *e, const u32 f[NR_FIELDS])
{
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
	e->size = f[F_FILESIZE];
}

static bool checksum_ok(const struct cpio_entry *e, u32 check)
{
	const u8 *d = e->data;
	u32 sum = 0;

	for (size_t i = 0; i < e->size; i++)
		sum += d[i];
	return sum == check;
}

/*
 * Parse the entry at it->off into *e: 0 for an entry, 1 for the trailer,
 * or an error. *next becomes the offset of the following header. Only
 * bytes inside the archive are ever read.
 */
static int parse_entry(struct cpio_iter *it, struct cpio_entry *e, size_t *next)
{
	const u8 *h = it->base + it->off;
	size_t left = it->len - it->off;
	u32 f[NR_FIELDS];
	size_t namesize, name_end, data_end;
	bool crc;
	int err;

	if (left < CPIO_HEADER_SIZE)
		return -CPIO_ERR_TRUNCATED;
	err = parse_header(h, f, &crc);
	if (err)
		return err;
	namesize = f[F_NAMESIZE];
	if (namesize < 2 || namesize > CPIO_NAME_MAX)
		return -CPIO_ERR_NAME;
	/* Header and name are padded together, relative to the entry start. */
	name_end = CPIO_HEADER_SIZE + namesize;
	name_end += pad4(name_end);
	if (name_end > left)
		return -CPIO_ERR_TRUNCATED;
	e->name = (const char *)h + CPIO_HEADER_SIZE;
	for (size_t i = 0; i < namesize - 1; i++)
		if (e->name[i] == '\0')
			return -CPIO_ERR_NAME;
	if (e->name[namesize - 1] != '\0')
		return -CPIO_ERR_NAME;
	fill_entry(e, f);
	if (e->size > left - name_end)
		return -CPIO_ERR_TRUNCATED;
	e->data = h + name_end;
	data_end = name_end + e->size;
	if (pad4(data_end) > left - data_end)
		return -CPIO_ERR_TRUNCATED;
	*next = it->off + data_end + pad4(data_end);
	if (name_is(e->name, namesize - 1, trailer))
		return 1;
	err = clean_path(e, namesize - 1);
	if (err)
		return err;
	err = check_mode(e);
	if (err)
		return err;
	if (crc && !checksum_ok(e, f[F_CHECK]))
		return -CPIO_ERR_CHECKSUM;
	return 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	struct cpio_entry tmp;
	size_t next;
	int err;

	if (it->state)
		return it->state > 0 ? 0 : it->state;
	if (it->off >= it->len) {
		it->state = -CPIO_ERR_NO_TRAILER;
		return it->state;
	}
	err = parse_entry(it, &tmp, &next);
	if (err) {
		it->state = err;
		return err < 0 ? err : 0;
	}
	it->off = next;
	*e = tmp;
	return 1;
}
