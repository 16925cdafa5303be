#ifndef CG_FUZZ_H
#define CG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * What every tests/fuzz/fuzz-NAME.c defines: libFuzzer calls it with each
 * input (make fuzz), tests/fuzz/replay.c with each file of the committed
 * corpus (make check).  A wrong result is an abort().
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
