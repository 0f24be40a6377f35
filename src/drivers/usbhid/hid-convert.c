/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of usbhid-ups conversion functions by their NUT names, and the per-device state
 * the stateful ones keep. The functions live in hid-convert-<vendor>.c.
 */
#include <stdlib.h>

#include "hid-convert-private.h"

/*
 * Every function of hid-conversions.tsv is here except:
 *
 *  - eaton_abm_enabled_legacy_fun: compiled out in NUT (#if 0); its only table,
 *    eaton_abm_enabled_legacy_info, is built under condition 0 and no mapping row uses it.
 *
 * hid_converter_find() returns NULL for it, and the driver skips rows that would use it.
 */

#define TO_NUT(n) { .name = #n, .to_nut = hid_cv_##n }
#define TO_HID(n) { .name = #n, .to_hid = hid_cv_##n }
#define TO_NUT_READS(n, list) { .name = #n, .to_nut = hid_cv_##n, .reads = list }

/* Sorted by name (strcmp), for bsearch(); the unit test checks the order. */
static const HidConverter converter_table[] = {
        TO_NUT(apc_date_conversion_fun),
        TO_HID(apc_date_conversion_reverse),
        TO_NUT(belkin_awaitingpower_conversion_fun),
        TO_NUT(belkin_commfault_conversion_fun),
        TO_NUT(belkin_depleted_conversion_fun),
        TO_NUT(belkin_firmware_conversion_fun),
        TO_NUT(belkin_lowbatt_conversion_fun),
        TO_NUT(belkin_online_conversion_fun),
        TO_NUT(belkin_overheat_conversion_fun),
        TO_NUT(belkin_overload_conversion_fun),
        TO_NUT(belkin_replacebatt_conversion_fun),
        TO_NUT(belkin_sensitivity_conversion_fun),
        TO_NUT(belkin_upstype_conversion_fun),
        TO_NUT(cps_battcharge_fun),
        TO_NUT(cps_battstatus_fun),
        TO_NUT(cps_battvolt_fun),
        TO_NUT(cps_input_freq_fun),
        TO_NUT(cps_output_freq_fun),
        TO_NUT(date_conversion_fun),
        TO_HID(date_conversion_reverse),
        TO_NUT(delta_ups_type_fun),
        TO_NUT(divide_by_100_conversion_fun),
        TO_NUT(divide_by_10_conversion_fun),
        TO_NUT(eaton_abm_check_chrg_fun),
        TO_NUT(eaton_abm_check_dischrg_fun),
        TO_NUT(eaton_abm_chrg_dischrg_fun),
        TO_NUT(eaton_abm_enabled_fun),
        TO_NUT(eaton_abm_path_mode_fun),
        TO_NUT(eaton_abm_path_status_fun),
        TO_NUT(eaton_abm_status_fun),
        TO_NUT(eaton_check_country_fun),
        TO_NUT(eaton_check_pegasus_fun),
        TO_NUT(eaton_compute_realpower_fun),
        TO_NUT(eaton_converter_online_fun),
        TO_NUT(eaton_input_buzzwordmode_report),
        TO_HID(eaton_input_buzzwordmode_setvar_nuf),
        TO_NUT(eaton_input_bypass_check_range),
        TO_NUT(eaton_input_eco_mode_auto_on_off_fun),
        TO_HID(eaton_input_eco_mode_auto_on_off_nuf),
        TO_NUT(ecoflow_battery_runtime_conversion),
        TO_NUT_READS(ever_alarms_fun, hid_cv_ever_alarms_reads),
        TO_NUT(ever_format_hardware_fun),
        TO_NUT(ever_format_version_fun),
        TO_NUT_READS(ever_ip_address_fun, hid_cv_ever_ip_reads),
        TO_NUT_READS(ever_mac_address_fun, hid_cv_ever_mac_reads),
        TO_NUT_READS(ever_messages_fun, hid_cv_ever_messages_reads),
        TO_NUT_READS(ever_on_off_fun, hid_cv_ever_workmode_reads),
        TO_NUT_READS(ever_packets_fun, hid_cv_ever_packets_reads),
        TO_NUT_READS(ever_workmode_fun, hid_cv_ever_workmode_reads),
        TO_NUT(hex_conversion_fun),
        TO_NUT(kelvin_celsius_conversion_fun),
        TO_NUT(legrand_times10),
        TO_NUT(legrand_times100k),
        TO_NUT(legrand_times10M),
        TO_NUT(legrand_times1M),
        TO_NUT(liebert_charging_fun),
        TO_NUT(liebert_config_voltage_fun),
        TO_NUT(liebert_discharging_fun),
        TO_NUT(liebert_line_voltage_fun),
        TO_NUT(liebert_lowbatt_fun),
        TO_NUT(liebert_online_fun),
        TO_NUT(liebert_replacebatt_fun),
        TO_NUT(liebert_shutdownimm_fun),
        TO_NUT(mge_battery_capacity_fun),
        TO_NUT(mge_battery_voltage_fun),
        TO_NUT(mge_battery_voltage_nominal_fun),
        TO_NUT(mge_date_conversion_fun),
        TO_HID(mge_date_conversion_nuf),
        TO_NUT(mge_powerfactor_conversion_fun),
        TO_NUT(mge_time_conversion_fun),
        TO_HID(mge_time_conversion_nuf),
        TO_NUT(nominal_output_voltage_fun),
        TO_NUT(openups_charging_fun),
        TO_NUT(openups_discharging_fun),
        TO_NUT(openups_off_fun),
        TO_NUT(openups_online_fun),
        TO_NUT(openups_scale_ccharge_fun),
        TO_NUT(openups_scale_cdischarge_fun),
        TO_NUT(openups_scale_vin_fun),
        TO_NUT(openups_scale_vout_fun),
        TO_NUT(openups_temperature_fun),
        TO_NUT(pegasus_yes_no_info_fun),
        TO_HID(pegasus_yes_no_info_nuf),
        TO_NUT(powercom_boost_conversion_fun),
        TO_NUT_READS(powercom_hack_voltage, hid_cv_powercom_hack_reads),
        TO_NUT(powercom_lowbatt_conversion_fun),
        TO_NUT(powercom_online_conversion_fun),
        TO_NUT(powercom_overload_conversion_fun),
        TO_NUT(powercom_replacebatt_conversion_fun),
        TO_NUT(powercom_shutdown_fun),
        TO_HID(powercom_shutdown_nuf),
        TO_NUT(powercom_shutdownimm_conversion_fun),
        TO_NUT(powercom_startup_fun),
        TO_HID(powercom_startup_nuf),
        TO_HID(powercom_stayoff_nuf),
        TO_NUT(powercom_test_conversion_fun),
        TO_NUT(powercom_trim_conversion_fun),
        TO_NUT(powercom_upsfail_conversion_fun),
        TO_NUT(powercom_voltage_conversion_fun),
        TO_NUT(stringid_conversion_fun),
        TO_NUT(tripplite_battvolt_fun),
        TO_NUT(tripplite_chemistry_fun),
        TO_NUT(tripplite_ioamp_fun),
        TO_NUT(tripplite_iofreq_fun),
        TO_NUT(tripplite_iovolt_fun),
};

static int converter_cmp(const void *key, const void *elem)
{
        return strcmp(key, ((const HidConverter *) elem)->name);
}

/**
 * hid_converter_find() - a conversion function by its hid-conversions.tsv name
 * @name: e.g. "date_conversion_fun" or "date_conversion_reverse"
 *
 * Each entry has the direction its name has in the facts: to_nut for the hid->nut functions,
 * to_hid for the nut->hid ones (a lookup table names both, as HidLookup.convert/.reverse).
 *
 * Returns the converter, or NULL for a name nothing implements.
 */
const HidConverter *hid_converter_find(const char *name)
{
        if (!name)
                return NULL;
        return bsearch(name, converter_table, ELEMENTSOF(converter_table), sizeof(converter_table[0]),
                       converter_cmp);
}

/**
 * hid_conv_state_new() - per-device state of the stateful converters
 *
 * Returns the state (free with hid_conv_state_free()), or NULL when out of memory.
 */
void *hid_conv_state_new(void)
{
        HidConvState *s = calloc(1, sizeof(HidConvState));

        if (!s)
                return NULL;
        s->abm_enabled = -1;
        s->abm_path = ABM_PATH_NONE;
        s->mge_type = MGE_TYPE_DEFAULT;
        return s;
}

void hid_conv_state_free(void *state)
{
        free(state);
}

/* Device access for the converters that read reports or touch other variables (see header). */
void hid_conv_state_set_io(void *state, const HidConvIo *io)
{
        HidConvState *s = state;

        if (s)
                s->io = io ? *io : (HidConvIo) {};
}

void hid_conv_state_set_flags(void *state, uint32_t flags)
{
        HidConvState *s = state;

        if (s)
                s->flags = flags;
}

/**
 * hid_conv_state_set_mge_model() - the mge-hid model family
 * @state: converter state (may be NULL: then only the lookup is done)
 * @iproduct: USB iProduct
 * @imodel: UPS.PowerSummary.iModel's string, or ConfigApparentPower as an integer
 * @ret_name: the table's display name (NULL if it has none), may be NULL
 *
 * Returns 1 for a model of hid-mge-models.tsv, 0 for an unknown one (then MGE_DEFAULT).
 */
int hid_conv_state_set_mge_model(void *state, const char *iproduct, const char *imodel,
                                 const char **ret_name)
{
        const HidMgeModel *m = hid_mge_model_find(iproduct, imodel);
        HidConvState *s = state;

        if (s)
                s->mge_type = m ? m->type : MGE_TYPE_DEFAULT;
        if (ret_name)
                *ret_name = m ? m->name : NULL;
        return !!m;
}

const char *hid_conv_state_get_buzzword(const void *state)
{
        const HidConvState *s = state;

        return s ? s->buzzword : NULL;
}
