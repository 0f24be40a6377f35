/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the hid-convert*.c files: the per-device converter state, output and parsing
 * helpers, and the prototype of every converter the registry in hid-convert.c lists.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hid-convert.h"
#include "macro.h"

typedef enum AbmPath {
        ABM_PATH_NONE,
        ABM_PATH_MODE,          /* Charger.Mode latched first */
        ABM_PATH_STATUS,        /* Charger.Status latched first */
} AbmPath;

/* mge-hid model_type_value families (hid-mge-models.tsv) */
enum {
        MGE_TYPE_OFFLINE = 0x000,
        MGE_TYPE_PEGASUS = 0x100,
        MGE_TYPE_3S = 0x110,
        MGE_TYPE_DEFAULT = 0x200,
        MGE_TYPE_EVOLUTION = 0x300,
        MGE_TYPE_EVOLUTION_650 = 0x301,
        MGE_TYPE_PULSAR_M = 0x400,
        MGE_TYPE_EATON_5P = 0x500,
        MGE_TYPE_EATON_9E = 0x900,
};

typedef struct HidConvState {
        HidConvIo io;
        uint32_t flags;                 /* HidConvFlag */

        /* cps: scales latched once detected; 0 = not decided yet */
        double cps_freq_scale[2];       /* input, output */
        double cps_battvolt_scale;

        /* liebert: multipliers once detected; 0 = not detected */
        double liebert_config_mult, liebert_line_mult;

        /* mge */
        int abm_enabled;                /* -1 unknown, 0, 1 */
        AbmPath abm_path;
        unsigned mge_type;              /* MGE_TYPE_* value */
        int country;                    /* UPS.PowerSummary.Country, 0 Europe */
        int nominal_first;              /* first output.voltage.nominal reading, 0 none */
        const char *buzzword;

        /* ever: position in the report cycles */
        unsigned ever_ip_next, ever_packets_next;

        /* powercom: last good battery voltage text, "" none */
        char hack_voltage[16];
} HidConvState;

/* ---- helpers (hid-convert-util.c) ---- */

HidConvState *conv_state(HidConvContext *c);
const char *conv_get_var(HidConvContext *c, const char *name);
int conv_get_double(HidConvContext *c, const char *name, double *ret);
int conv_set_var(HidConvContext *c, const char *name, const char *value);
int conv_write_var(HidConvContext *c, const char *name, const char *value);
int conv_get_report(HidConvContext *c, uint8_t type, uint8_t id, uint8_t *buf, size_t size);
int conv_status_bit(HidConvContext *c, const char *token);

int conv_printf(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
int conv_string(char *buf, size_t size, const char *s);
int conv_fixed(char *buf, size_t size, double v, int decimals);
int conv_token(char *buf, size_t size, bool set, const char *token);
int conv_nonzero_token(double value, const char *token, char *buf, size_t size);
int conv_int(double v, int64_t min, int64_t max, int64_t *ret);
int conv_word(double v, uint32_t *ret);
int conv_parse_double(const char *s, double *ret);
int conv_parse_ymd(const char *s, int *ret_y, int *ret_m, int *ret_d);
int conv_parse_hms(const char *s, int *ret_h, int *ret_m, int *ret_s);

/* ---- converters, by their hid-conversions.tsv names ---- */

#define HID_CV_TO_NUT(n) int hid_cv_##n(HidConvContext *c, double value, char *buf, size_t size)
#define HID_CV_TO_HID(n) int hid_cv_##n(HidConvContext *c, const char *value, double *ret)

/* common (hid-convert-common.c) */
HID_CV_TO_NUT(date_conversion_fun);
HID_CV_TO_HID(date_conversion_reverse);
HID_CV_TO_NUT(hex_conversion_fun);
HID_CV_TO_NUT(stringid_conversion_fun);
HID_CV_TO_NUT(divide_by_10_conversion_fun);
HID_CV_TO_NUT(divide_by_100_conversion_fun);
HID_CV_TO_NUT(kelvin_celsius_conversion_fun);

/* apc (hid-convert-apc.c) */
HID_CV_TO_NUT(apc_date_conversion_fun);
HID_CV_TO_HID(apc_date_conversion_reverse);

/* belkin, liebert (hid-convert-belkin.c) */
HID_CV_TO_NUT(belkin_firmware_conversion_fun);
HID_CV_TO_NUT(belkin_upstype_conversion_fun);
HID_CV_TO_NUT(belkin_sensitivity_conversion_fun);
HID_CV_TO_NUT(belkin_overload_conversion_fun);
HID_CV_TO_NUT(belkin_overheat_conversion_fun);
HID_CV_TO_NUT(belkin_commfault_conversion_fun);
HID_CV_TO_NUT(belkin_awaitingpower_conversion_fun);
HID_CV_TO_NUT(belkin_online_conversion_fun);
HID_CV_TO_NUT(belkin_lowbatt_conversion_fun);
HID_CV_TO_NUT(belkin_depleted_conversion_fun);
HID_CV_TO_NUT(belkin_replacebatt_conversion_fun);
HID_CV_TO_NUT(liebert_online_fun);
HID_CV_TO_NUT(liebert_discharging_fun);
HID_CV_TO_NUT(liebert_charging_fun);
HID_CV_TO_NUT(liebert_lowbatt_fun);
HID_CV_TO_NUT(liebert_replacebatt_fun);
HID_CV_TO_NUT(liebert_shutdownimm_fun);
HID_CV_TO_NUT(liebert_config_voltage_fun);
HID_CV_TO_NUT(liebert_line_voltage_fun);

/* cps (hid-convert-cps.c) */
HID_CV_TO_NUT(cps_input_freq_fun);
HID_CV_TO_NUT(cps_output_freq_fun);
HID_CV_TO_NUT(cps_battvolt_fun);
HID_CV_TO_NUT(cps_battcharge_fun);
HID_CV_TO_NUT(cps_battstatus_fun);

/* delta_ups, ecoflow, legrand, openups (hid-convert-vendors.c) */
HID_CV_TO_NUT(delta_ups_type_fun);
HID_CV_TO_NUT(ecoflow_battery_runtime_conversion);
HID_CV_TO_NUT(legrand_times10);
HID_CV_TO_NUT(legrand_times100k);
HID_CV_TO_NUT(legrand_times1M);
HID_CV_TO_NUT(legrand_times10M);
HID_CV_TO_NUT(openups_charging_fun);
HID_CV_TO_NUT(openups_discharging_fun);
HID_CV_TO_NUT(openups_online_fun);
HID_CV_TO_NUT(openups_off_fun);
HID_CV_TO_NUT(openups_scale_vin_fun);
HID_CV_TO_NUT(openups_scale_vout_fun);
HID_CV_TO_NUT(openups_scale_ccharge_fun);
HID_CV_TO_NUT(openups_scale_cdischarge_fun);
HID_CV_TO_NUT(openups_temperature_fun);

/* ever (hid-convert-ever.c) */
HID_CV_TO_NUT(ever_format_hardware_fun);
HID_CV_TO_NUT(ever_format_version_fun);
HID_CV_TO_NUT(ever_mac_address_fun);
HID_CV_TO_NUT(ever_ip_address_fun);
HID_CV_TO_NUT(ever_packets_fun);
HID_CV_TO_NUT(ever_workmode_fun);
HID_CV_TO_NUT(ever_messages_fun);
HID_CV_TO_NUT(ever_alarms_fun);
HID_CV_TO_NUT(ever_on_off_fun);
extern const HidConvReport hid_cv_ever_mac_reads[], hid_cv_ever_ip_reads[], hid_cv_ever_packets_reads[],
        hid_cv_ever_workmode_reads[], hid_cv_ever_messages_reads[], hid_cv_ever_alarms_reads[];

/* mge: ABM, model gates, dates, power (hid-convert-mge.c) */
HID_CV_TO_NUT(eaton_abm_enabled_fun);
HID_CV_TO_NUT(eaton_abm_path_mode_fun);
HID_CV_TO_NUT(eaton_abm_path_status_fun);
HID_CV_TO_NUT(eaton_abm_status_fun);
HID_CV_TO_NUT(eaton_abm_chrg_dischrg_fun);
HID_CV_TO_NUT(eaton_abm_check_dischrg_fun);
HID_CV_TO_NUT(eaton_abm_check_chrg_fun);
HID_CV_TO_NUT(mge_date_conversion_fun);
HID_CV_TO_NUT(mge_time_conversion_fun);
HID_CV_TO_HID(mge_date_conversion_nuf);
HID_CV_TO_HID(mge_time_conversion_nuf);
HID_CV_TO_NUT(mge_battery_voltage_nominal_fun);
HID_CV_TO_NUT(mge_battery_voltage_fun);
HID_CV_TO_NUT(mge_powerfactor_conversion_fun);
HID_CV_TO_NUT(mge_battery_capacity_fun);
HID_CV_TO_NUT(eaton_check_pegasus_fun);
HID_CV_TO_NUT(pegasus_yes_no_info_fun);
HID_CV_TO_HID(pegasus_yes_no_info_nuf);
HID_CV_TO_NUT(eaton_check_country_fun);
HID_CV_TO_NUT(eaton_compute_realpower_fun);
HID_CV_TO_NUT(nominal_output_voltage_fun);
HID_CV_TO_NUT(eaton_converter_online_fun);

/* mge: ECO and bypass modes (hid-convert-mge-eco.c) */
HID_CV_TO_NUT(eaton_input_buzzwordmode_report);
HID_CV_TO_HID(eaton_input_buzzwordmode_setvar_nuf);
HID_CV_TO_NUT(eaton_input_bypass_check_range);
HID_CV_TO_NUT(eaton_input_eco_mode_auto_on_off_fun);
HID_CV_TO_HID(eaton_input_eco_mode_auto_on_off_nuf);

/* powercom (hid-convert-powercom.c) */
HID_CV_TO_NUT(powercom_startup_fun);
HID_CV_TO_HID(powercom_startup_nuf);
HID_CV_TO_NUT(powercom_shutdown_fun);
HID_CV_TO_HID(powercom_shutdown_nuf);
HID_CV_TO_HID(powercom_stayoff_nuf);
HID_CV_TO_NUT(powercom_voltage_conversion_fun);
HID_CV_TO_NUT(powercom_upsfail_conversion_fun);
HID_CV_TO_NUT(powercom_replacebatt_conversion_fun);
HID_CV_TO_NUT(powercom_test_conversion_fun);
HID_CV_TO_NUT(powercom_shutdownimm_conversion_fun);
HID_CV_TO_NUT(powercom_online_conversion_fun);
HID_CV_TO_NUT(powercom_lowbatt_conversion_fun);
HID_CV_TO_NUT(powercom_trim_conversion_fun);
HID_CV_TO_NUT(powercom_boost_conversion_fun);
HID_CV_TO_NUT(powercom_overload_conversion_fun);
HID_CV_TO_NUT(powercom_hack_voltage);
extern const HidConvReport hid_cv_powercom_hack_reads[];

/* tripplite (hid-convert-tripplite.c) */
HID_CV_TO_NUT(tripplite_chemistry_fun);
HID_CV_TO_NUT(tripplite_battvolt_fun);
HID_CV_TO_NUT(tripplite_iovolt_fun);
HID_CV_TO_NUT(tripplite_iofreq_fun);
HID_CV_TO_NUT(tripplite_ioamp_fun);

/* mge-hid model table (hid-mge-models.c) */
typedef struct HidMgeModel {
        const char *iproduct, *imodel;
        uint16_t type;                  /* model_type_value */
        const char *name;               /* display name, NULL if none */
} HidMgeModel;

const HidMgeModel *hid_mge_model_find(const char *iproduct, const char *imodel);
