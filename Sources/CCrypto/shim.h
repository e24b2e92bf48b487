#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/rsa.h>
#include <openssl/obj_mac.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/err.h>

/* EVP_RSA_gen and EVP_EC_gen are variadic macros over EVP_PKEY_Q_keygen, which Swift cannot
 * call; these are the same calls with fixed arguments. */
static inline EVP_PKEY *latch_generate_rsa(unsigned int bits) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
}

static inline EVP_PKEY *latch_generate_ec(const char *curve) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
}

/* The selection EVP_PKEY_fromdata needs for a public key (a macro of macros in Swift's eyes). */
static inline int latch_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }

/* An RSA public key from its big-endian modulus and exponent (RFC 7518 §6.3.1), or NULL. */
static inline EVP_PKEY *latch_rsa_public_key(const unsigned char *n, size_t n_length,
                                             const unsigned char *e, size_t e_length) {
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    BIGNUM *modulus = BN_bin2bn(n, (int)n_length, NULL);
    BIGNUM *exponent = BN_bin2bn(e, (int)e_length, NULL);
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (builder && modulus && exponent && context
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus)
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent)
        && (params = OSSL_PARAM_BLD_to_param(builder)) != NULL
        && EVP_PKEY_fromdata_init(context) == 1) {
        if (EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = NULL;
    }
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(context);
    BN_free(exponent);
    BN_free(modulus);
    OSSL_PARAM_BLD_free(builder);
    return key;
}

/* An EC public key on the named curve from its uncompressed point 0x04||x||y, checked to be on
 * the curve (EVP_PKEY_public_check), or NULL. */
static inline EVP_PKEY *latch_ec_public_key(const char *group, const unsigned char *point, size_t point_length) {
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (builder && context
        && OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, group, 0)
        && OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point, point_length)
        && (params = OSSL_PARAM_BLD_to_param(builder)) != NULL
        && EVP_PKEY_fromdata_init(context) == 1) {
        if (EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = NULL;
    }
    if (key) {
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        if (!check || EVP_PKEY_public_check(check) != 1) { EVP_PKEY_free(key); key = NULL; }
        EVP_PKEY_CTX_free(check);
    }
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_BLD_free(builder);
    return key;
}

/* The big-endian bytes of a BIGNUM parameter of a key ("n", "e", "qx", "qy"), left-padded with
 * zeros to `length` when it is not 0; the count written, or -1. `out` holds at least 1024 bytes. */
static inline int latch_key_bignum(const EVP_PKEY *key, const char *name, unsigned char *out, int length) {
    BIGNUM *number = NULL;
    if (EVP_PKEY_get_bn_param(key, name, &number) != 1 || number == NULL) return -1;
    int written = -1;
    int size = BN_num_bytes(number);
    if (size <= 1024) written = length > 0 ? BN_bn2binpad(number, out, length) : BN_bn2bin(number, out);
    BN_free(number);
    return written;
}

/* The name of an EC key's group ("prime256v1"), written into `out` (64 bytes); 1 on success. */
static inline int latch_key_group(const EVP_PKEY *key, char *out) {
    size_t length = 0;
    return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, out, 64, &length);
}
