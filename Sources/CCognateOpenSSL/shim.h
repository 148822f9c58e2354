// OpenSSL 3's libcrypto (Debian: libssl-dev), for RS256 and SRP's big exponentiations: on CPUs with
// AVX-512 integer multiplies it is about twice as fast as BoringSSL or Swift code. Only what Cognate calls.
#ifndef CCOGNATE_OPENSSL_H
#define CCOGNATE_OPENSSL_H

#if !__has_include(<openssl/evp.h>)
#error "Cognate needs OpenSSL 3's libcrypto headers to build: install libssl-dev (apt-get install libssl-dev) or your system's OpenSSL 3 development package."
#endif

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>

#if OPENSSL_VERSION_MAJOR < 3
#error "Cognate needs OpenSSL 3 or newer (libssl-dev on Debian 12)."
#endif

/// A private key from PEM text (PKCS#1 or PKCS#8); NULL when it is not one.
static inline EVP_PKEY *cognate_private_key_from_pem(const char *pem, int length) {
    BIO *bio = BIO_new_mem_buf(pem, length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

/// RSASSA-PKCS1-v1_5 with SHA-256 (RS256). `signature` holds `*length` bytes; answers 1 on success.
static inline int cognate_rs256_sign(EVP_PKEY *key, const EVP_MD *sha256, const unsigned char *message, size_t count,
                                     unsigned char *signature, size_t *length) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = EVP_DigestSignInit(context, NULL, sha256, NULL, key) == 1
        && EVP_DigestSign(context, signature, length, message, count) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/// Whether `signature` is a valid RS256 signature of `message` by the key (or its public half).
static inline int cognate_rs256_verify(EVP_PKEY *key, const EVP_MD *sha256, const unsigned char *message, size_t count,
                                       const unsigned char *signature, size_t length) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = EVP_DigestVerifyInit(context, NULL, sha256, NULL, key) == 1
        && EVP_DigestVerify(context, signature, length, message, count) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/// base^exponent mod N in constant time, with N's prepared Montgomery context; the result as `width`
/// big-endian bytes. Answers 1 on success.
static inline int cognate_mod_exp(const BIGNUM *modulus, BN_MONT_CTX *montgomery, const unsigned char *base, int baseLength,
                                  const unsigned char *exponent, int exponentLength, unsigned char *result, int width) {
    BN_CTX *context = BN_CTX_new();
    if (context == NULL) return 0;
    BN_CTX_start(context);
    BIGNUM *a = BN_CTX_get(context), *e = BN_CTX_get(context), *r = BN_CTX_get(context);
    int ok = r != NULL && BN_bin2bn(base, baseLength, a) != NULL && BN_bin2bn(exponent, exponentLength, e) != NULL
        && BN_mod_exp_mont_consttime(r, a, e, modulus, context, montgomery) == 1 && BN_bn2binpad(r, result, width) == width;
    BN_CTX_end(context);
    BN_CTX_free(context);
    return ok;
}

/// Triple-DES in CBC mode without padding removal (XML Encryption's `tripledes-cbc`, which SAML identity
/// providers still use): `out` has room for `length` bytes. Answers the bytes written, or -1.
static inline int cognate_des3_cbc_decrypt(const unsigned char *key, const unsigned char *iv, const unsigned char *in, int length,
                                           unsigned char *out) {
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    if (context == NULL) return -1;
    int written = 0, last = 0;
    int ok = EVP_DecryptInit_ex(context, EVP_des_ede3_cbc(), NULL, key, iv) == 1 && EVP_CIPHER_CTX_set_padding(context, 0) == 1
        && EVP_DecryptUpdate(context, out, &written, in, length) == 1 && EVP_DecryptFinal_ex(context, out + written, &last) == 1;
    EVP_CIPHER_CTX_free(context);
    return ok ? written + last : -1;
}

#endif
