// SPDX-License-Identifier: GPL-2.0-or-later
// node-nut (npm) as a NUT client: node node-nut-check.js PORT
// Prints one "name=value" line per result; test-clients.sh checks them.
const Nut = require('node-nut');

const nut = new Nut(parseInt(process.argv[2], 10), '127.0.0.1');
const out = (k, v) => console.log(k + '=' + (typeof v === 'string' ? v : JSON.stringify(v)));
const timer = setTimeout(() => { out('timeout', 'true'); process.exit(1); }, 10000);

nut.on('error', (err) => { out('error', String(err)); process.exit(1); });
nut.on('ready', () => {
  nut.GetUPSList((list, err) => {
    out('upslist', list ? Object.assign({}, list) : null);   // node-nut returns an Array used as a map
    out('upslist.err', String(err));
    nut.GetUPSVars('dummy', (vars, err) => {
      out('vars.count', vars ? Object.keys(vars).length : -1);
      out('vars.ups.status', vars ? vars['ups.status'] : null);
      out('vars.device.model', vars ? vars['device.model'] : null);
      out('vars.err', String(err));
      nut.GetVarType('dummy', 'ups.mfr', (type, err) => {
        out('type.ups.mfr', type);
        nut.GetUPSVars('nosuch', (v, err) => {
          out('nosuch.err', String(err));
          nut.SetUsername('admin', (err) => {
            nut.SetPassword('mypass', (err) => {
              nut.SetRWVar('dummy', 'ups.mfr', 'NodeMfr', (err) => {
                out('set.err', String(err));
                // upsd: the driver applies the SET a little later
                const poll = (left) => nut.GetUPSVars('dummy', (vars, err) => {
                  if (vars && vars['ups.mfr'] !== 'NodeMfr' && left > 0)
                    return setTimeout(() => poll(left - 1), 200);
                  out('vars.ups.mfr', vars ? vars['ups.mfr'] : null);
                  nut.SetRWVar('dummy', 'ups.mfr', 'Lab', (err) => {
                    clearTimeout(timer);
                    nut.close();
                  });
                });
                poll(25);
              });
            });
          });
        });
      });
    });
  });
});
nut.start();
