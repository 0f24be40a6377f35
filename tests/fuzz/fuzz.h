/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every fuzz target shares: the libFuzzer entry point (also called by fuzz-replay.c) and
 * fuzz_assert(), which aborts with the failed property so libFuzzer and the replay keep the input.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sanitizer defaults for the harness binaries (fuzz-options.c): stop at the first UBSan report. */
const char *__ubsan_default_options(void);

/* abort() is the point here: it is how a harness tells libFuzzer "this input breaks a property". */
#define fuzz_assert(expr)                                                                       \
        do {                                                                                    \
                if (!(expr)) {                                                                  \
                        fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #expr); \
                        abort();                                                                \
                }                                                                               \
        } while (0)
