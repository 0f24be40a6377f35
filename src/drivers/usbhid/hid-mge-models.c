/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mge-hid model families: iProduct + iModel -> model type value and display name, the rows of
 * ../shared/data/facts/hid-mge-models.tsv (a model type gates some mge-hid values).
 */
#include "hid-convert-private.h"

static const HidMgeModel mge_model_table[] = {
        { "ELLIPSE", "300", 0x000, "ellipse 300" },
        { "ELLIPSE", "500", 0x000, "ellipse 500" },
        { "ELLIPSE", "650", 0x000, "ellipse 650" },
        { "ELLIPSE", "800", 0x000, "ellipse 800" },
        { "ELLIPSE", "1200", 0x000, "ellipse 1200" },
        { "ellipse", "PR500", 0x000, "ellipse premium 500" },
        { "ellipse", "PR650", 0x000, "ellipse premium 650" },
        { "ellipse", "PR800", 0x000, "ellipse premium 800" },
        { "ellipse", "PR1200", 0x000, "ellipse premium 1200" },
        { "ELLIPSE", "600", 0x000, "Ellipse 600" },
        { "ELLIPSE", "750", 0x000, "Ellipse 750" },
        { "ELLIPSE", "1000", 0x000, "Ellipse 1000" },
        { "ELLIPSE", "1500", 0x000, "Ellipse 1500" },
        { "Ellipse MAX", "600", 0x000, NULL },
        { "Ellipse MAX", "850", 0x000, NULL },
        { "Ellipse MAX", "1100", 0x000, NULL },
        { "Ellipse MAX", "1500", 0x000, NULL },
        { "PROTECTIONCENTER", "420", 0x000, "Protection Center 420" },
        { "PROTECTIONCENTER", "500", 0x000, "Protection Center 500" },
        { "PROTECTIONCENTER", "675", 0x000, "Protection Center 675" },
        { "Protection Station", "500", 0x100, NULL },
        { "Protection Station", "650", 0x100, NULL },
        { "Protection Station", "800", 0x100, NULL },
        { "Ellipse ECO", "650", 0x100, NULL },
        { "Ellipse ECO", "800", 0x100, NULL },
        { "Ellipse ECO", "1200", 0x100, NULL },
        { "Ellipse ECO", "1600", 0x100, NULL },
        { "3S", "450", 0x000, NULL },
        { "3S", "550", 0x000, NULL },
        { "3S", "700", 0x110, NULL },
        { "3S", "750", 0x110, NULL },
        { "Evolution", "500", 0x200, "Pulsar Evolution 500" },
        { "Evolution", "800", 0x200, "Pulsar Evolution 800" },
        { "Evolution", "1100", 0x200, "Pulsar Evolution 1100" },
        { "Evolution", "1500", 0x200, "Pulsar Evolution 1500" },
        { "Evolution", "2200", 0x200, "Pulsar Evolution 2200" },
        { "Evolution", "3000", 0x200, "Pulsar Evolution 3000" },
        { "Evolution", "3000XL", 0x200, "Pulsar Evolution 3000 XL" },
        { "Evolution", "650", 0x301, NULL },
        { "Evolution", "850", 0x302, NULL },
        { "Evolution", "1150", 0x303, NULL },
        { "Evolution", "S 1250", 0x304, NULL },
        { "Evolution", "1550", 0x305, NULL },
        { "Evolution", "S 1750", 0x306, NULL },
        { "Evolution", "2000", 0x307, NULL },
        { "Evolution", "S 2500", 0x308, NULL },
        { "Evolution", "S 3000", 0x309, NULL },
        { "Eaton 5P", "650", 0x500, "5P 650" },
        { "Eaton 5P", "850", 0x500, "5P 850" },
        { "Eaton 5P", "1150", 0x500, "5P 1150" },
        { "Eaton 5P", "1550", 0x500, "5P 1550" },
        { "Eaton 5PX", "1500", 0x500, NULL },
        { "Eaton 5PX", "2200", 0x500, NULL },
        { "Eaton 5PX", "3000", 0x500, NULL },
        { "Eaton 5SC", "500", 0x500, NULL },
        { "Eaton 5SC", "750", 0x500, NULL },
        { "Eaton 5SC", "1000", 0x500, NULL },
        { "Eaton 5SC", "1500", 0x500, NULL },
        { "Eaton 5SC", "2200", 0x500, NULL },
        { "Eaton 5SC", "3000", 0x500, NULL },
        { "Ellipse PRO", "1200 ", 0x500, "Eaton 5S1200" },
        { "Ellipse PRO", "1500 ", 0x500, "Eaton 5S1500" },
        { "Ellipse PRO", "1600 ", 0x500, "Eaton 5S1600" },
        { "Eaton 9E", "1000", 0x900, "9E1000" },
        { "Eaton 9E", "1000i", 0x900, "9E1000i" },
        { "Eaton 9E", "1000iau", 0x900, "9E1000iau" },
        { "Eaton 9E", "1000ir", 0x900, "9E1000ir" },
        { "Eaton 9E", "2000", 0x900, "9E2000" },
        { "Eaton 9E", "2000i", 0x900, "9E2000i" },
        { "Eaton 9E", "2000iau", 0x900, "9E2000iau" },
        { "Eaton 9E", "2000ir", 0x900, "9E2000ir" },
        { "Eaton 9E", "3000", 0x900, "9E3000" },
        { "Eaton 9E", "3000i", 0x900, "9E3000i" },
        { "Eaton 9E", "3000iau", 0x900, "9E3000iau" },
        { "Eaton 9E", "3000ir", 0x900, "9E3000ir" },
        { "Eaton 9E", "3000ixl", 0x900, "9E3000ixl" },
        { "Eaton 9E", "3000ixlau", 0x900, "9E3000ixlau" },
        { "unknown", "1000", 0x900, "9E1000i (presumed)" },
        { "unknown", "2000", 0x900, "9E2000i (presumed)" },
        { "unknown", "3000", 0x900, "9E3000i (presumed)" },
        { "Eaton 9SX", "700i", 0x900, "9SX700i" },
        { "Eaton 9SX", "1000i", 0x900, "9SX1000i" },
        { "Eaton 9SX", "1000im", 0x900, "9SX1000im" },
        { "Eaton 9SX", "1500i", 0x900, "9SX1500i" },
        { "Eaton 9SX", "2000i", 0x900, "9SX2000i" },
        { "Eaton 9SX", "3000i", 0x900, "9SX3000i" },
        { "Eaton 9SX", "3000im", 0x900, "9SX3000im" },
        { "Eaton 9SX", "1000ir", 0x900, "9SX1000ir" },
        { "Eaton 9SX", "1500ir", 0x900, "9SX1500ir" },
        { "Eaton 9SX", "2000ir", 0x900, "9SX2000ir" },
        { "Eaton 9SX", "3000ir", 0x900, "9SX3000ir" },
        { "Eaton 9PX", "1000irt2u", 0x900, "9px1000irt2u" },
        { "Eaton 9PX", "1500irt2u", 0x900, "9px1500irt2u" },
        { "Eaton 9PX", "1500irtm", 0x900, "9px1500irtm" },
        { "Eaton 9PX", "2200irt2u", 0x900, "9px2200irt2u" },
        { "Eaton 9PX", "2200irt3u", 0x900, "9px2200irt3u" },
        { "Eaton 9PX", "3000irt2u", 0x900, "9px3000irt2u" },
        { "Eaton 9PX", "3000irt3u", 0x900, "9px3000irt3u" },
        { "Eaton 9PX", "3000irtm", 0x900, "9px3000irtm" },
        { "PULSAR M", "2200", 0x401, NULL },
        { "PULSAR M", "3000", 0x402, NULL },
        { "PULSAR M", "3000 XL", 0x403, NULL },
        { "EX", "2200", 0x401, NULL },
        { "EX", "3000", 0x402, NULL },
        { "EX", "3000 XL", 0x402, NULL },
        { "PULSAR", "MX4000", 0x200, "Pulsar MX 4000 RT" },
        { "PULSAR", "MX5000", 0x200, "Pulsar MX 5000 RT" },
        { "NOVA AVR", "500", 0x200, "Nova 500 AVR" },
        { "NOVA AVR", "600", 0x200, "Nova 600 AVR" },
        { "NOVA AVR", "625", 0x200, "Nova 625 AVR" },
        { "NOVA AVR", "1100", 0x200, "Nova 1100 AVR" },
        { "NOVA AVR", "1250", 0x200, "Nova 1250 AVR" },
        { "EXtreme", "700C", 0x200, "Pulsar EXtreme 700C" },
        { "EXtreme", "1000C", 0x200, "Pulsar EXtreme 1000C" },
        { "EXtreme", "1500C", 0x200, "Pulsar EXtreme 1500C" },
        { "EXtreme", "1500CCLA", 0x200, "Pulsar EXtreme 1500C CLA" },
        { "EXtreme", "2200C", 0x200, "Pulsar EXtreme 2200C" },
        { "EXtreme", "3200C", 0x200, "Pulsar EXtreme 3200C" },
        { "EX", "700RT", 0x200, "Pulsar EX 700 RT" },
        { "EX", "1000RT", 0x200, "Pulsar EX 1000 RT" },
        { "EX", "1500RT", 0x200, "Pulsar EX 1500 RT" },
        { "EX", "2200RT", 0x200, "Pulsar EX 2200 RT" },
        { "EX", "3200RT", 0x200, "Pulsar EX 3200 RT" },
        { "EX", "5RT31", 0x200, "EX 5 RT 3:1" },
        { "EX", "7RT31", 0x200, "EX 7 RT 3:1" },
        { "EX", "11RT31", 0x200, "EX 11 RT 3:1" },
        { "EX", "5RT", 0x200, "EX 5 RT" },
        { "EX", "7RT", 0x200, "EX 7 RT" },
        { "EX", "11RT", 0x200, "EX 11 RT" },
        { "GALAXY", "3000_10", 0x200, "Galaxy 3000 10 kVA" },
        { "GALAXY", "3000_15", 0x200, "Galaxy 3000 15 kVA" },
        { "GALAXY", "3000_20", 0x200, "Galaxy 3000 20 kVA" },
        { "GALAXY", "3000_30", 0x200, "Galaxy 3000 30 kVA" },
};

/* Compares ignoring trailing blanks: the table has "1200 " for some Ellipse PRO iModels. */
static bool model_eq(const char *a, const char *b)
{
        size_t na = strlen(a), nb = strlen(b);

        while (na > 0 && a[na - 1] == ' ')
                na--;
        while (nb > 0 && b[nb - 1] == ' ')
                nb--;
        return na == nb && strncmp(a, b, na) == 0;
}

/**
 * hid_mge_model_find() - the row of an mge-hid model
 * @iproduct: the USB iProduct string
 * @imodel: UPS.PowerSummary.iModel's string, or the ConfigApparentPower reading as an integer
 *
 * Returns the row, or NULL for a combination the table does not know.
 */
const HidMgeModel *hid_mge_model_find(const char *iproduct, const char *imodel)
{
        if (!iproduct || !imodel)
                return NULL;
        for (const HidMgeModel *m = mge_model_table; m < mge_model_table + ELEMENTSOF(mge_model_table); m++)
                if (streq(m->iproduct, iproduct) && model_eq(m->imodel, imodel))
                        return m;
        return NULL;
}
