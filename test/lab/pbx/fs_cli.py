#!/usr/bin/python3
"""fs_cli stand-in for the site lab's FS PBX host.

Answers `fs_cli -x "<command>"` like FreeSWITCH 1.10 on an FS PBX host would, from the
FusionPBX database and files, and keeps a running state (profiles, global variables) that
changes only the way FreeSWITCH's own semantics say:

- SIP profiles come from the xml_handler (generated from v_sip_profile* rows), unless the
  cached copy /var/cache/fusionpbx/configuration.sofia.conf.<switchname> exists: then the
  cache wins, stale or not. A profile reads its config only when it loads (start/restart)
  or on rescan.
- rescan re-applies apply-nat-acl fully, but aggressive-nat-detection, ext-rtp-ip and
  ext-sip-ip keep their running value when the row is absent or disabled; sip-ip, sip-port
  and rtp-ip change only on restart.
- stop/restart are refused while a profile has been up for under 10 seconds.
- $${vars} come from vars.xml and are read only at boot and on reloadxml; ext-rtp-ip and
  ext-sip-ip resolve them only when a profile loads (start/restart): a rescan applies a
  changed row value, not a changed variable behind an unchanged row.

Every command is logged, one JSON line each, to /var/log/fslab/fs_cli.log.
"""
import fcntl
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

LAB_CONFIG = os.environ.get("FSLAB_CONFIG", "/etc/fslab/fs.json")
STATE_DIR = "/var/lib/fslab"
STATE_FILE = os.path.join(STATE_DIR, "freeswitch.json")
LOG_FILE = "/var/log/fslab/fs_cli.log"
VERSION = "1.10.12-release+git~20240802T210227Z~a88d069d6f~64bit"
RESTART_MIN_UP = 10
LINE = "=" * 97


def load_config():
    with open(LAB_CONFIG, encoding="utf-8") as f:
        return json.load(f)


CONFIG = load_config()


# --- database -------------------------------------------------------------------------
def query(sql, params=()):
    """Runs one SELECT through psql and returns its rows as dicts.

    Values are passed as psql variables (:'v0'), which psql quotes itself: nothing from the
    command line is ever pasted into the SQL text."""
    db = CONFIG["db"]
    argv = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", db["host"], "-p", str(db["port"]), "-U", db["user"], "-d", db["name"]]
    for i, value in enumerate(params):
        argv += ["-v", "v%d=%s" % (i, value)]
    wrapped = "select coalesce(json_agg(t), '[]'::json) from (%s) t;" % sql
    env = dict(os.environ, PGPASSWORD=db["password"], PGCONNECT_TIMEOUT="5")
    out = subprocess.run(argv, input=wrapped, capture_output=True, text=True, env=env, timeout=20)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    return json.loads(out.stdout.strip() or "[]")


# --- files ----------------------------------------------------------------------------
def config_conf():
    values = {}
    try:
        with open("/etc/fusionpbx/config.conf", encoding="utf-8") as f:
            for line in f:
                if "=" in line and not line.lstrip().startswith("#"):
                    key, value = line.split("=", 1)
                    values[key.strip()] = value.strip()
    except OSError:
        pass
    return values


def cache_method():
    return config_conf().get("cache.method", "file")


def cache_location():
    return config_conf().get("cache.location", "/var/cache/fusionpbx")


def cache_file(key):
    # FS PBX's file cache: the key with ':' turned into '.'.
    return os.path.join(cache_location(), key.replace(":", "."))


def memcache_file(key):
    return os.path.join(STATE_DIR, "memcache", key.replace("/", "%2F"))


def cache_get(key):
    path = memcache_file(key) if cache_method() == "memcache" else cache_file(key)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def cache_set(key, value):
    path = memcache_file(key) if cache_method() == "memcache" else cache_file(key)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(value)
        if os.getuid() == 0 and cache_method() != "memcache":
            os.chown(path, 33, 33)  # FreeSWITCH writes its cache as www-data
    except OSError:
        pass  # like FreeSWITCH: a cache that cannot be written is simply not cached


def read_vars_xml():
    """The `set` pre-process lines of vars.xml, in order, as (name, value)."""
    pairs = []
    try:
        with open(os.path.join(CONFIG.get("conf_dir", "/etc/freeswitch"), "vars.xml"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return pairs
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    for match in re.finditer(r'<X-PRE-PROCESS\s+cmd="set"\s+data="([^"]*)"\s*/>', text):
        data = match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        if "=" in data:
            name, value = data.split("=", 1)
            pairs.append((name, value))
    return pairs


def expand(value, variables):
    return re.sub(r"\$\$\{([^}]+)\}", lambda m: variables.get(m.group(1), ""), value)


def load_globals():
    variables = {
        "hostname": CONFIG["switchname"],
        "switchname": CONFIG["switchname"],
        "local_ip_v4": CONFIG["local_ip_v4"],
        "local_mask_v4": "255.255.255.0",
        "local_ip_v6": "::1",
        "base_dir": "/usr",
        "conf_dir": "/etc/freeswitch",
        "log_dir": "/var/log/freeswitch",
        "run_dir": "/var/run/freeswitch",
        "cache_dir": "/var/cache/freeswitch",
        "core_uuid": CONFIG.get("core_uuid", "00000000-0000-4000-8000-000000000000"),
    }
    for name, value in read_vars_xml():
        variables[name] = expand(value, variables)
    return variables


# --- sofia configuration (what the xml_handler generates) -----------------------------
def sofia_conf_from_db():
    profiles = query(
        "select sip_profile_uuid::text as uuid, sip_profile_name as name from v_sip_profiles "
        "where sip_profile_enabled = 'true' and (sip_profile_hostname is null or sip_profile_hostname = '' "
        "or sip_profile_hostname = :'v0') order by sip_profile_name",
        (CONFIG["switchname"],),
    )
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<document type="freeswitch/xml">',
           '  <section name="configuration">',
           '    <configuration name="sofia.conf" description="sofia Endpoint">',
           '      <global_settings>', '        <param name="log-level" value="0"/>',
           '      </global_settings>', '      <profiles>']
    for profile in profiles:
        settings = query(
            "select sip_profile_setting_name as name, sip_profile_setting_value as value "
            "from v_sip_profile_settings where sip_profile_uuid = :'v0'::uuid "
            "and sip_profile_setting_enabled = 'true' order by sip_profile_setting_name",
            (profile["uuid"],),
        )
        domains = query(
            "select sip_profile_domain_name as name, sip_profile_domain_alias as alias, "
            "sip_profile_domain_parse as parse from v_sip_profile_domains where sip_profile_uuid = :'v0'::uuid",
            (profile["uuid"],),
        )
        out.append("        <profile name=%s>" % quoteattr(profile["name"]))
        out.append("          <aliases></aliases>")
        out.append("          <gateways></gateways>")
        out.append("          <domains>")
        for d in domains:
            out.append("            <domain name=%s alias=%s parse=%s/>" % (
                quoteattr(d["name"] or ""), quoteattr(d["alias"] or "false"), quoteattr(d["parse"] or "false")))
        out.append("          </domains>")
        out.append("          <settings>")
        for s in settings:
            out.append("            <param name=%s value=%s/>" % (quoteattr(s["name"] or ""), quoteattr(s["value"] or "")))
        out.append("          </settings>")
        out.append("        </profile>")
    out += ["      </profiles>", "    </configuration>", "  </section>", "</document>", ""]
    return "\n".join(out)


def sofia_conf_xml():
    """What FreeSWITCH gets when it asks for sofia.conf: the cache when present, else the DB."""
    key = "configuration:sofia.conf:%s" % CONFIG["switchname"]
    cached = cache_get(key)
    if cached is not None:
        return cached
    text = sofia_conf_from_db()
    cache_set(key, text)
    return text


def profile_params(name):
    """The <param>s of one profile in the config FreeSWITCH would load now, or None."""
    root = ET.fromstring(sofia_conf_xml().split("?>", 1)[-1])
    for profile in root.iter("profile"):
        if profile.get("name") == name:
            return [(p.get("name", ""), p.get("value", "")) for p in profile.iter("param")]
    return None


def resolve_ext_ip(value, local_ip):
    if value.startswith("autonat:"):
        return value[len("autonat:"):]
    if value in ("auto", "auto-nat"):
        return local_ip
    return value


def load_profile(name, params, variables, now):
    """A profile as it runs after a full load (start/restart)."""
    running = {"name": name, "started": now, "sip_ip": "", "sip_port": "5060", "rtp_ip": "",
               "ext_sip_ip": "", "ext_rtp_ip": "", "aggressive_nat": False, "nat_acls": [],
               "local_network_acl": "", "context": "public", "dialplan": "XML", "inbound_acl": ""}
    apply_params(running, params, variables, full=True)
    return running


def apply_params(running, params, variables, full):
    nat_acls = []
    for name, raw in params:
        value = expand(raw, variables)
        if name == "apply-nat-acl":
            nat_acls.append(value)
        elif name in ("sip-ip", "sip-port", "rtp-ip") and not full:
            continue  # bound sockets: only a restart changes them
        elif name == "sip-ip":
            running["sip_ip"] = value
        elif name == "sip-port":
            running["sip_port"] = value
        elif name == "rtp-ip":
            running["rtp_ip"] = value
        elif name in ("ext-sip-ip", "ext-rtp-ip"):
            key = name.replace("-", "_")
            raw_seen = running.setdefault("raw", {})
            # A new row value applies on rescan; a $${variable} behind an unchanged row is resolved
            # only when the profile loads (reference: "resolved only when a profile loads").
            if full or raw_seen.get(key) != raw:
                running[key] = resolve_ext_ip(value, variables.get("local_ip_v4", ""))
                raw_seen[key] = raw
        elif name == "aggressive-nat-detection":
            running["aggressive_nat"] = value == "true"
        elif name == "local-network-acl":
            running["local_network_acl"] = value
        elif name == "context":
            running["context"] = value
        elif name == "dialplan":
            running["dialplan"] = value
        elif name == "apply-inbound-acl":
            running["inbound_acl"] = value
    # apply-nat-acl is rebuilt from the config on every load and every rescan.
    running["nat_acls"] = nat_acls


# --- state ----------------------------------------------------------------------------
class State:
    def __init__(self):
        os.makedirs(STATE_DIR, exist_ok=True)
        lock_path = os.path.join(STATE_DIR, "lock")
        if not os.path.exists(lock_path):
            with open(lock_path, "a"):
                pass
            os.chmod(lock_path, 0o666)
        # Any user may run fs_cli (it only needs the event socket): the lock is opened read-only.
        self.lock = open(lock_path, "r")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        try:
            with open(STATE_FILE, encoding="utf-8") as f:
                self.data = json.load(f)
        except (OSError, ValueError):
            self.data = None

    def save(self):
        tmp = STATE_FILE + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, indent=1, sort_keys=True)
        os.chmod(tmp, 0o666)
        os.replace(tmp, STATE_FILE)


def boot(state):
    """FreeSWITCH starts: read vars.xml, then load every enabled profile."""
    now = time.time()
    variables = load_globals()
    state.data = {"booted": now, "globals": variables, "profiles": {}}
    root = ET.fromstring(sofia_conf_xml().split("?>", 1)[-1])
    for profile in root.iter("profile"):
        name = profile.get("name", "")
        params = [(p.get("name", ""), p.get("value", "")) for p in profile.iter("param")]
        state.data["profiles"][name] = load_profile(name, params, variables, now)
    state.save()
    return ""


# --- commands -------------------------------------------------------------------------
def profile_url(p):
    return "sip:mod_sofia@%s:%s" % (p["sip_ip"], p["sip_port"])


def cmd_sofia_status(state, args):
    profiles = state.data["profiles"]
    if len(args) >= 2 and args[0] == "profile":
        p = profiles.get(args[1])
        if not p:
            return "Invalid Profile!\n"
        rows = [("Name", p["name"]), ("Domain Name", "N/A"), ("Auto-NAT", "false"),
                ("DBName", "sofia_reg_%s" % p["name"]), ("Pres Hosts", p["sip_ip"]),
                ("Dialplan", p["dialplan"]), ("Context", p["context"]), ("Challenge Realm", "auto_from"),
                ("RTP-IP", p["rtp_ip"]), ("Ext-RTP-IP", p["ext_rtp_ip"]), ("SIP-IP", p["sip_ip"]),
                ("Ext-SIP-IP", p["ext_sip_ip"]), ("URL", profile_url(p)),
                ("BIND-URL", "%s;maddr=%s" % (profile_url(p), p["sip_ip"])),
                ("AGGRESSIVENAT", "true" if p["aggressive_nat"] else "false")]
        rows += [("APPLY-NAT-ACL", acl) for acl in p["nat_acls"]]
        rows += [("CALLS-IN", "0"), ("FAILED-CALLS-IN", "0"), ("CALLS-OUT", "0"),
                 ("FAILED-CALLS-OUT", "0"), ("REGISTRATIONS", "0")]
        return LINE + "\n" + "".join("%-17s\t%s\n" % row for row in rows) + LINE + "\n"
    out = "%25s\t%s\t  %32s\t%s\n" % ("Name", "   Type", "Data", "State") + LINE + "\n"
    for name in sorted(profiles, reverse=True):
        p = profiles[name]
        out += "%25s\t%s\t  %32s\t%s (%u)\n" % (name, "profile", profile_url(p), "RUNNING", 0)
    n = len(profiles)
    out += LINE + "\n" + "%d profile%s %d alias%s\n" % (n, "" if n == 1 else "s", 0, "es")
    return out


def cmd_sofia_xmlstatus(state, args):
    if len(args) < 2 or args[0] != "profile":
        return "<profiles>\n" + "".join(
            "  <profile>\n    <name>%s</name>\n    <type>profile</type>\n    <data>%s</data>\n"
            "    <state>RUNNING (0)</state>\n  </profile>\n" % (escape(n), escape(profile_url(p)))
            for n, p in sorted(state.data["profiles"].items())) + "</profiles>\n"
    p = state.data["profiles"].get(args[1])
    if not p:
        return "<error>Invalid Profile!</error>\n"
    fields = [("domain-name", "N/A"), ("auto-nat", "false"), ("db-name", "sofia_reg_%s" % p["name"]),
              ("pres-hosts", p["sip_ip"]), ("dialplan", p["dialplan"]), ("context", p["context"]),
              ("challenge-realm", "auto_from"), ("rtp-ip", p["rtp_ip"]), ("ext-rtp-ip", p["ext_rtp_ip"]),
              ("sip-ip", p["sip_ip"]), ("ext-sip-ip", p["ext_sip_ip"]), ("url", profile_url(p)),
              ("bind-url", "%s;maddr=%s" % (profile_url(p), p["sip_ip"])), ("hold-music", "local_stream://default"),
              ("outbound-proxy", "N/A"), ("inbound-codecs", "G722,PCMU,PCMA"), ("outbound-codecs", "G722,PCMU,PCMA"),
              ("tel-event", "101"), ("dtmf-mode", "rfc2833"), ("cng", "13"), ("session-to", "0"),
              ("max-dialog", "0"), ("nomedia", "false"), ("late-neg", "true"), ("proxy-media", "false"),
              ("zrtp-passthru", "true"), ("aggressive-nat", "true" if p["aggressive_nat"] else "false"),
              ("stun-enabled", "true"), ("stun-auto-disable", "false"), ("calls-in", "0"),
              ("failed-calls-in", "0"), ("calls-out", "0"), ("failed-calls-out", "0"), ("registrations", "0")]
    body = "".join("    <%s>%s</%s>\n" % (k, escape(v), k) for k, v in fields)
    return "<profile>\n  <profile-info>\n%s  </profile-info>\n  <registrations/>\n</profile>\n" % body


def cmd_sofia_profile(state, args):
    if len(args) < 2:
        return "Invalid Args!\n"
    name, action = args[0], args[1].lower()
    profiles = state.data["profiles"]
    now = time.time()
    if action == "start":
        if name in profiles:
            return "Failure starting %s\n" % name
        params = profile_params(name)
        if params is None:
            return "Failure starting %s\n" % name
        profiles[name] = load_profile(name, params, state.data["globals"], now)
        state.save()
        return "%s started successfully\n" % name
    p = profiles.get(name)
    if not p:
        return "Invalid Profile [%s]" % name
    if action == "rescan":
        params = profile_params(name)
        if params is None:
            return "-ERR cannot find config for profile %s\n" % name
        apply_params(p, params, state.data["globals"], full=False)
        state.save()
        return "+OK scan complete\n"
    if action in ("stop", "restart"):
        up = int(now - p["started"])
        if up < RESTART_MIN_UP:
            remain = RESTART_MIN_UP - up
            return ("Profile %s must be up for at least %d seconds to stop/restart.\nPlease wait %d second%s\n"
                    % (name, RESTART_MIN_UP, remain, "" if remain == 1 else "s"))
        if action == "stop":
            del profiles[name]
            state.save()
            return "stopping: %s" % name
        params = profile_params(name)
        if params is None:
            del profiles[name]
        else:
            profiles[name] = load_profile(name, params, state.data["globals"], now)
        state.save()
        return "restarting: %s" % name
    return "-ERR Unknown command!\n"


def cmd_sofia(state, args):
    if not args:
        return "USAGE:\n" + "-" * 80 + "\n"
    if args[0] == "status":
        return cmd_sofia_status(state, args[1:])
    if args[0] == "xmlstatus":
        return cmd_sofia_xmlstatus(state, args[1:])
    if args[0] == "profile":
        return cmd_sofia_profile(state, args[1:])
    return "Unknown Command [%s]\n" % args[0]


def directory_user(user, domain):
    """The directory entry FS PBX's Lua builds for user@domain (extension or number alias)."""
    rows = query(
        "select e.extension, e.number_alias, e.user_context, e.sip_bypass_media, e.sip_force_contact, "
        "e.effective_caller_id_name from v_extensions e join v_domains d on d.domain_uuid = e.domain_uuid "
        "where d.domain_name = :'v1' and e.enabled = 'true' and (e.extension = :'v0' or e.number_alias = :'v0')",
        (user, domain),
    )
    if not rows:
        return None
    row = rows[0]
    variables = {"user_context": row["user_context"] or domain, "effective_caller_id_name":
                 row["effective_caller_id_name"] or "", "domain_name": domain, "extension_uuid": ""}
    media = row["sip_bypass_media"] or ""
    if media == "bypass-media":
        variables["bypass_media"] = "true"
    elif media == "bypass-media-after-bridge":
        variables["bypass_media_after_bridge"] = "true"
    elif media == "proxy-media":
        variables["proxy_media"] = "true"
    if row["sip_force_contact"]:
        variables["sip-force-contact"] = row["sip_force_contact"]
    return {"id": row["extension"], "variables": variables}


def cmd_user_data(state, args):
    if len(args) < 3 or "@" not in args[0]:
        return ""
    user, domain = args[0].split("@", 1)
    key = "directory:%s@%s" % (user, domain)
    cached = cache_get(key)
    if cached is None:
        entry = directory_user(user, domain)
        if entry is None:
            return ""
        cached = json.dumps(entry)
        cache_set(key, cached)
    entry = json.loads(cached)
    kind, name = args[1], args[2]
    if kind == "var":
        return entry["variables"].get(name, "")
    if kind == "attr":
        return entry["id"] if name == "id" else ""
    return ""


def cmd_xml_locate(state, args):
    if len(args) >= 4 and args[0] == "configuration" and args[3] == "sofia.conf":
        return sofia_conf_xml()
    return "can't find anything\n"


def cmd_memcache(state, args):
    if len(args) >= 2 and args[0] == "delete":
        path = memcache_file(args[1])
        if os.path.exists(path):
            os.remove(path)
            return "+OK\n"
        return "-ERR NOT FOUND\n"
    return "-ERR Usage: memcache <set|get|delete> <key> [value]\n"


def run_command(state, command):
    words = command.split()
    if not words:
        return ""
    name, args = words[0], words[1:]
    if name == "version":
        return "FreeSWITCH Version %s (git a88d069 2024-08-02 21:02:27Z 64bit)\n" % VERSION
    if name == "switchname":
        return CONFIG["switchname"]
    if name == "hostname":
        return CONFIG["switchname"]
    if name == "status":
        up = int(time.time() - state.data["booted"])
        return ("UP 0 years, 0 days, 0 hours, %d minutes, %d seconds\nFreeSWITCH (Version %s) is ready\n"
                % (up // 60, up % 60, VERSION))
    if name == "reloadxml":
        state.data["globals"] = load_globals()
        state.save()
        return "+OK [Success]\n"
    if name == "global_getvar":
        if args:
            return state.data["globals"].get(args[0], "")
        return "".join("%s=%s\n" % kv for kv in sorted(state.data["globals"].items()))
    if name == "sofia":
        return cmd_sofia(state, args)
    if name == "user_data":
        return cmd_user_data(state, args)
    if name == "xml_locate":
        return cmd_xml_locate(state, args)
    if name == "memcache":
        return cmd_memcache(state, args)
    return "-ERR %s Command not found!\n" % name


def log(command, output, status):
    try:
        os.makedirs(os.path.dirname(LOG_FILE), exist_ok=True)
        fresh = not os.path.exists(LOG_FILE)
        with open(LOG_FILE, "a", encoding="utf-8") as f:
            if fresh:
                os.chmod(LOG_FILE, 0o666)
            f.write(json.dumps({"time": time.time(), "uid": os.getuid(), "command": command,
                                "status": status, "output": output}) + "\n")
    except OSError:
        pass


def parse_args(argv):
    """fs_cli's options; only -x runs here, connection options are accepted and ignored."""
    command, boot_only = None, False
    with_value = {"-H", "--host", "-P", "--port", "-p", "--password", "-u", "--user", "-d", "--debug",
                  "-t", "--timeout", "-T", "--connect-timeout", "-i", "--interrupt", "-l", "--log-level"}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-x", "--execute") and i + 1 < len(argv):
            command = argv[i + 1]
            i += 2
        elif arg.startswith("--execute="):
            command = arg.split("=", 1)[1]
            i += 1
        elif arg == "--lab-boot":
            boot_only = True
            i += 1
        elif arg in with_value:
            i += 2
        else:
            i += 1
    return command, boot_only


def main():
    command, boot_only = parse_args(sys.argv[1:])
    state = State()
    if boot_only:
        boot(state)
        log("--lab-boot", "", "booted")
        return 0
    if command is None:
        sys.stderr.write("[ERROR] the lab's fs_cli answers -x commands only\n")
        log("", "", "no -x")
        return 1
    if state.data is None or state.data.get("down"):
        out = "[ERROR] fs_cli.c:1679 main() Error Connecting []\n"
        sys.stdout.write(out)
        log(command, out, "down")
        return 1
    try:
        out = run_command(state, command)
    except Exception as error:  # the stand-in must answer, never crash with a traceback
        out = "-ERR %s\n" % error
        log(command, out, "error")
        sys.stdout.write(out)
        return 1
    # fs_cli prints the reply body followed by a newline (printf("%s\n", body)).
    sys.stdout.write(out + "\n")
    log(command, out, "ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
