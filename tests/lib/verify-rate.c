/*
 * helper-verify-rate: how many Ed25519 signatures libsodium checks in a
 * second on one core, for the bench to state the ceiling of a verify that
 * must check every signature.  Prints one number.
 */
#include <stdio.h>
#include <time.h>
#include <sodium.h>

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES], msg[64] = "a pass payload of about this size";
	unsigned long n = 0, good = 0;
	double start, elapsed;

	if (sodium_init() < 0)
		return 3;
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	start = seconds();
	do {
		for (int i = 0; i < 1000; i++, n++)
			good += crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) == 0;
		elapsed = seconds() - start;
	} while (elapsed < 1.0);
	if (good != n)
		return 1;
	printf("%.0f\n", (double)n / elapsed);
	return 0;
}
