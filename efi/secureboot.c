/*
 * Secure Boot (docs/secureboot.md): the firmware's state, and the checks
 * that stand between a file read from the volume and its use when the
 * firmware enforces. Nothing here decides trust by itself: PE images
 * (a PE application, a bzImage with its EFI stub) go to the firmware's
 * LoadImage, which checks their Authenticode signature against db/dbx;
 * everything else (an ELF kernel, a vmlinux, the initrd, \earlyboot.cfg)
 * needs a signature manifest, FILE.sig (efi/sig_manifest.h): a signed
 * PE image holding FILE's SHA-256, which LoadImage checks the same way
 * before we compare the hash. OVMF offers no EFI_PKCS7_VERIFY_PROTOCOL
 * (measured), so the firmware's image check is the one verifier we can
 * count on. Every refusal is one error line naming the file and why.
 */
#include "libc.h"
#include "loader.h"
#include "pe_hash.h"
#include "sb_defs.h"
#include "sha256.h"
#include "sig_manifest.h"

#include "page.h"

#define SB_MAX_LISTS 64 /* signature lists taken from one of db, dbx */

static struct {
	uint32_t state; /* enum eb_secure_boot */
	struct eb_efi_signature_list *db[SB_MAX_LISTS + 1], *dbx[SB_MAX_LISTS + 1];
	unsigned ndb, ndbx;
	/* shim's MokListX, read when shim started us: only to word refusals. */
	struct eb_efi_signature_list *mokx[SB_MAX_LISTS + 1];
	EFI_HANDLE parent; /* ours: the parent of every image we have checked */
	struct eb_shim_lock *shim; /* when shim started us */
} sb;

/* A UINT8 variable of the global namespace; -1 when absent or not one byte. */
static int global_u8(EFI_SYSTEM_TABLE *st, CHAR16 *name)
{
	EFI_GUID g = EFI_GLOBAL_VARIABLE;
	UINT8 v = 0;
	UINTN size = sizeof v;
	if (EFI_ERROR(st->RuntimeServices->GetVariable(name, &g, NULL, &size, &v)) ||
	    size != 1)
		return -1;
	return v;
}

/*
 * db or dbx (or shim's MokListX, of vendor GUID g), split into its
 * signature lists (each checked to lie inside the variable) as a
 * NULL-terminated array. Absent: none.
 */
static unsigned read_sigdb(EFI_SYSTEM_TABLE *st, CHAR16 *name, EFI_GUID g,
			   struct eb_efi_signature_list **out)
{
	UINTN size = 0;
	UINT8 *buf = NULL;
	out[0] = NULL;
	EFI_STATUS s = st->RuntimeServices->GetVariable(name, &g, NULL, &size, NULL);
	if (s != EFI_BUFFER_TOO_SMALL || size == 0)
		return 0;
	if (EFI_ERROR(st->BootServices->AllocatePool(EfiLoaderData, size, (void **)&buf)))
		eb_fail("Secure Boot: no memory for the %llu bytes of a signature database",
			(unsigned long long)size);
	if (EFI_ERROR(st->RuntimeServices->GetVariable(name, &g, NULL, &size, buf)))
		return 0;
	unsigned n = 0;
	for (UINTN off = 0; off + sizeof **out <= size && n < SB_MAX_LISTS;) {
		struct eb_efi_signature_list *l = (void *)(buf + off);
		if (l->SignatureListSize < sizeof *l || l->SignatureListSize > size - off)
			break; /* the firmware's own variable; stop at anything odd */
		out[n++] = l;
		off += l->SignatureListSize;
	}
	out[n] = NULL;
	return n;
}

void efi_sb_init(EFI_SYSTEM_TABLE *st, EFI_HANDLE self)
{
	sb.parent = self;
	int secure = global_u8(st, L"SecureBoot"), setup = global_u8(st, L"SetupMode");
	if (secure < 0 && setup < 0)
		sb.state = EB_SECURE_BOOT_NONE;
	else if (secure == 1)
		sb.state = EB_SECURE_BOOT_ENFORCING;
	else if (setup == 1)
		sb.state = EB_SECURE_BOOT_SETUP;
	else
		sb.state = EB_SECURE_BOOT_OFF;
	if (sb.state == EB_SECURE_BOOT_ENFORCING) {
		EFI_GUID sigdb = EB_IMAGE_SECURITY_DATABASE_GUID, shim_guid = EB_SHIM_LOCK_GUID;
		sb.ndb = read_sigdb(st, L"db", sigdb, sb.db);
		sb.ndbx = read_sigdb(st, L"dbx", sigdb, sb.dbx);
		if (EFI_ERROR(st->BootServices->LocateProtocol(&shim_guid, NULL, (void **)&sb.shim)) ||
		    !sb.shim || !sb.shim->Verify)
			sb.shim = NULL;
		/* shim's own variables live under its protocol's GUID. */
		if (sb.shim)
			read_sigdb(st, L"MokListX", shim_guid, sb.mokx);
	}
	eb_info("secure boot: %s (SecureBoot %d, SetupMode %d)%s",
		eb_secure_boot_name(sb.state), secure, setup,
		sb.state == EB_SECURE_BOOT_ENFORCING
			? "; every kernel, initrd and command line must be signed" : "");
	if (sb.state == EB_SECURE_BOOT_ENFORCING)
		eb_info("secure boot: db %u signature list%s, dbx %u%s",
			sb.ndb, sb.ndb == 1 ? "" : "s", sb.ndbx,
			sb.shim ? "; shim's SHIM_LOCK protocol present: bzImages are checked by shim (db, dbx, MOK)" : "");
}

uint32_t efi_sb_state(void) { return sb.state; }

bool efi_sb_enforcing(void) { return sb.state == EB_SECURE_BOOT_ENFORCING; }

/* The hash is listed in lists (dbx, MokListX) as an EFI_CERT_SHA256 entry. */
static bool lists_hash(struct eb_efi_signature_list *const *lists,
		       const uint8_t hash[EB_SHA256_BYTES])
{
	EFI_GUID sha256 = EB_CERT_SHA256_GUID;
	for (; *lists; lists++) {
		const struct eb_efi_signature_list *l = *lists;
		if (memcmp(&l->SignatureType, &sha256, sizeof sha256) ||
		    l->SignatureSize != sizeof(EFI_GUID) + EB_SHA256_BYTES)
			continue;
		UINT32 first = (UINT32)sizeof *l + l->SignatureHeaderSize;
		if (first > l->SignatureListSize)
			continue;
		const uint8_t *p = (const uint8_t *)l + first;
		UINT32 count = (l->SignatureListSize - first) / l->SignatureSize;
		for (UINT32 k = 0; k < count; k++, p += l->SignatureSize)
			if (!memcmp(p + sizeof(EFI_GUID), hash, EB_SHA256_BYTES))
				return true;
	}
	return false;
}

/* The manifest in a loaded image: its magic, 64-byte aligned (efi/manifest/). */
static const struct eb_sig_manifest *find_manifest(const uint8_t *base, UINT64 size)
{
	const struct eb_sig_manifest *found = NULL;
	for (UINT64 off = 0; off + sizeof *found <= size; off += 64) {
		const struct eb_sig_manifest *m = (const void *)(base + off);
		if (memcmp(m->magic, EB_SIG_MANIFEST_MAGIC, sizeof m->magic))
			continue;
		if (found)
			return NULL; /* two: not one of ours */
		found = m;
	}
	return found;
}

static void hex32(const uint8_t *h, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < EB_SHA256_BYTES; i++) {
		out[2 * i] = d[h[i] >> 4];
		out[2 * i + 1] = d[h[i] & 15];
	}
	out[2 * EB_SHA256_BYTES] = '\0';
}

/* needle (n bytes) occurs in hay (len bytes). */
static bool contains(const uint8_t *hay, uint64_t len, const uint8_t *needle, uint64_t n)
{
	for (uint64_t i = 0; n && i + n <= len; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, n))
			return true;
	return false;
}

/* A certificate lists (dbx, MokListX) holds as an EFI_CERT_X509 entry is carried in cert. */
static bool lists_cert_in(struct eb_efi_signature_list *const *lists,
			  const uint8_t *cert, uint64_t len)
{
	EFI_GUID x509 = EB_CERT_X509_GUID;
	for (; *lists; lists++) {
		const struct eb_efi_signature_list *l = *lists;
		UINT32 first = (UINT32)sizeof *l + l->SignatureHeaderSize;
		if (memcmp(&l->SignatureType, &x509, sizeof x509) ||
		    l->SignatureSize <= sizeof(EFI_GUID) || first > l->SignatureListSize)
			continue;
		const uint8_t *p = (const uint8_t *)l + first;
		UINT32 count = (l->SignatureListSize - first) / l->SignatureSize;
		for (UINT32 k = 0; k < count; k++, p += l->SignatureSize)
			if (contains(cert, len, p + sizeof(EFI_GUID),
				     l->SignatureSize - sizeof(EFI_GUID)))
				return true;
	}
	return false;
}

static const char shim_verify[] = "shim's SHIM_LOCK Verify";
static const char shim_load_image[] = "shim's LoadImage";

/* Started by shim, LoadImage is shim's own, which also reads MokList. */
static const char *load_image_name(void)
{
	return sb.shim ? shim_load_image : "LoadImage";
}

/*
 * The check named by `by` (the firmware's LoadImage, or shim's Verify)
 * refused the PE image `image` (name itself, or name's manifest) with
 * status s, which says only "denied": name the reason from what the image
 * carries. The verdict stays the checker's; this only words it.
 */
__attribute__((noreturn)) static void pe_refused(const char *what, const char *name,
						 const char *image, const uint8_t *f,
						 uint64_t len, const char *by, EFI_STATUS s)
{
	struct eb_pe_hash h;
	char hex[2 * EB_SHA256_BYTES + 1];
	const char *of = image == name ? "" : image, *sep = image == name ? "" : ": ";
	if (eb_pe_authenticode(f, len, &h))
		eb_fail("%s %s: Secure Boot refuses it: not signed (%s%snot a well-formed PE image; %s: %s)",
			what, name, of, sep, by, efi_status_name(s));
	if (!h.cert_len)
		eb_fail("%s %s: Secure Boot refuses it: not signed (%s%sthe PE image has no Authenticode signature; %s: %s)",
			what, name, of, sep, by, efi_status_name(s));
	hex32(h.sha256, hex);
	/* Under shim (its Verify, or its hooked LoadImage) MokListX revokes too. */
	const char *revoked = lists_hash(sb.dbx, h.sha256)    ? "dbx"
			      : lists_hash(sb.mokx, h.sha256) ? "MokListX"
							      : NULL;
	if (revoked)
		eb_fail("%s %s: Secure Boot refuses it: revoked in %s (%s%sits Authenticode SHA-256 %s is listed; %s: %s)",
			what, name, revoked, of, sep, hex, by, efi_status_name(s));
	if (!contains(f + h.cert_off, h.cert_len, h.sha256, sizeof h.sha256))
		eb_fail("%s %s: Secure Boot refuses it: digest mismatch (%s%sno signature in its certificate table is over its Authenticode SHA-256 %s; %s: %s)",
			what, name, of, sep, hex, by, efi_status_name(s));
	revoked = lists_cert_in(sb.dbx, f + h.cert_off, h.cert_len)    ? "dbx"
		  : lists_cert_in(sb.mokx, f + h.cert_off, h.cert_len) ? "MokListX"
								       : NULL;
	if (revoked)
		eb_fail("%s %s: Secure Boot refuses it: revoked in %s (%s%sa certificate of its signature is listed; %s: %s)",
			what, name, revoked, of, sep, by, efi_status_name(s));
	eb_fail("%s %s: Secure Boot refuses it: signed by an unknown key (%s%sits signature covers it, but no signer chains to db%s; %s: %s)",
		what, name, of, sep,
		by == shim_verify || by == shim_load_image ? ", shim's own certificate or MokList" : "",
		by, efi_status_name(s));
}

void efi_sb_pe_refused(const char *what, const char *path, const void *file,
		       uint64_t len, EFI_STATUS s)
{
	pe_refused(what, path, path, file, len, load_image_name(), s);
}

void efi_sb_verify_file(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li, const char *what,
			const char *path, const void *data, uint64_t len)
{
	if (!efi_sb_enforcing())
		return;
	EFI_BOOT_SERVICES *bs = st->BootServices;
	char sig_path[EB_PATH_MAX + 8];
	size_t n = strlen(path);
	if (n + 5 > sizeof sig_path)
		eb_fail("%s %s: Secure Boot: the path is too long to name its signature", what, path);
	memcpy(sig_path, path, n);
	memcpy(sig_path + n, ".sig", 5);

	/* Our own hash first: a revoked file is refused whatever signs it. */
	uint8_t hash[EB_SHA256_BYTES];
	char hex[2 * EB_SHA256_BYTES + 1];
	eb_sha256(data, len, hash);
	hex32(hash, hex);
	if (lists_hash(sb.dbx, hash))
		eb_fail("%s %s: Secure Boot refuses it: revoked in dbx (its SHA-256 %s is listed)",
			what, path, hex);

	uint64_t sig_pa = 0, sig_len = 0;
	EFI_STATUS s = efi_read_file(st, li->DeviceHandle, sig_path, &sig_pa, &sig_len);
	if (EFI_ERROR(s))
		eb_fail("%s %s: Secure Boot refuses it: not signed (no signature manifest %s: %s)",
			what, path, sig_path, efi_status_name(s));
	/* The firmware checks the manifest's Authenticode signature (db, dbx). */
	CHAR16 wpath[EB_PATH_MAX + 8];
	efi_file_path(sig_path, wpath, sizeof wpath / sizeof wpath[0]);
	EFI_DEVICE_PATH *dp = efi_file_device_path(bs, li->DeviceHandle, wpath);
	EFI_HANDLE h = NULL;
	s = bs->LoadImage(FALSE, sb.parent, dp, (void *)sig_pa, sig_len, &h);
	if (dp)
		bs->FreePool(dp);
	if (EFI_ERROR(s)) {
		if (h)
			bs->UnloadImage(h);
		if (s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED)
			pe_refused(what, path, sig_path, (const uint8_t *)sig_pa, sig_len,
				   load_image_name(), s);
		eb_fail("%s %s: Secure Boot refuses it: not signed (%s is not a signature manifest the firmware can load: %s)",
			what, path, sig_path, efi_status_name(s));
	}
	EFI_GUID li_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_LOADED_IMAGE *mli = NULL;
	const struct eb_sig_manifest *m = NULL;
	if (!EFI_ERROR(bs->HandleProtocol(h, &li_guid, (void **)&mli)) && mli)
		m = find_manifest(mli->ImageBase, mli->ImageSize);
	struct eb_sig_manifest copy;
	if (m)
		copy = *m;
	bs->UnloadImage(h); /* checked, never started */
	bs->FreePages(sig_pa, (sig_len + PAGE - 1) / PAGE);
	if (!m || copy.version != EB_SIG_MANIFEST_VERSION)
		eb_fail("%s %s: Secure Boot refuses it: not signed (%s is a signed image but holds no signature manifest of version %u)",
			what, path, sig_path, EB_SIG_MANIFEST_VERSION);
	if (copy.size != len || memcmp(copy.sha256, hash, sizeof hash)) {
		char want[2 * EB_SHA256_BYTES + 1];
		hex32(copy.sha256, want);
		eb_fail("%s %s: Secure Boot refuses it: digest mismatch: %llu bytes with SHA-256 %s, %s signed %llu bytes with SHA-256 %s",
			what, path, (unsigned long long)len, hex, sig_path,
			(unsigned long long)copy.size, want);
	}
	eb_info("%s %s: signed (manifest %s verified by %s; SHA-256 %s)", what, path, sig_path,
		sb.shim ? "shim's LoadImage against db, dbx and MOK" : "the firmware against db and dbx",
		hex);
}

void efi_sb_verify_pe(EFI_SYSTEM_TABLE *st, EFI_LOADED_IMAGE *li, const char *what,
		      const char *path, const void *file, uint64_t len)
{
	if (!efi_sb_enforcing())
		return;
	/*
	 * Started by shim: its Verify knows the MOK lists too, which the
	 * firmware's LoadImage does not (a MOK-signed kernel would be refused).
	 */
	if (sb.shim) {
		if (len > 0xffffffffu)
			eb_fail("%s %s: Secure Boot refuses it: %llu bytes are more than shim's Verify takes",
				what, path, (unsigned long long)len);
		EFI_STATUS v = sb.shim->Verify((void *)file, (UINT32)len);
		if (EFI_ERROR(v))
			pe_refused(what, path, path, file, len, shim_verify, v);
		eb_info("%s %s: Authenticode signature verified by shim (SHIM_LOCK: db, dbx, MOK)",
			what, path);
		return;
	}
	EFI_BOOT_SERVICES *bs = st->BootServices;
	CHAR16 wpath[EB_PATH_MAX + 2];
	efi_file_path(path, wpath, sizeof wpath / sizeof wpath[0]);
	EFI_DEVICE_PATH *dp = efi_file_device_path(bs, li->DeviceHandle, wpath);
	EFI_HANDLE h = NULL;
	/*
	 * The buffer we boot from is the buffer checked: LoadImage takes a
	 * copy, and ours is not written between here and the handoff.
	 */
	EFI_STATUS s = bs->LoadImage(FALSE, sb.parent, dp, (void *)file, len, &h);
	if (dp)
		bs->FreePool(dp);
	if (h)
		bs->UnloadImage(h); /* checked, never started */
	if (s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED)
		efi_sb_pe_refused(what, path, file, len, s);
	if (EFI_ERROR(s))
		eb_fail("%s %s: Secure Boot refuses it: not signed (the firmware cannot load it as a PE image to check its signature: %s)",
			what, path, efi_status_name(s));
	eb_info("%s %s: Authenticode signature verified by the firmware (LoadImage against db and dbx)",
		what, path);
}
