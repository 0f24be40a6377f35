/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UBSan only prints by default and goes on; a fuzzer or a corpus replay must stop at the report so
 * that the input is kept and the test fails. UBSAN_OPTIONS in the environment still overrides this.
 */
#include "fuzz.h"

const char *__ubsan_default_options(void)
{
        return "halt_on_error=1:print_stacktrace=1";
}
