#!/usr/bin/python3
"""fs_cli stand-in for the site lab's FS PBX host.

Answers `fs_cli -x "<command>"` like FreeSWITCH on an FS PBX host, from the FS PBX database
and files, keeping a running state that changes only the way the sources say. Sources (every
behaviour below names its line):
  FS    = signalwire/freeswitch @ cc93a683ca6e1f8f47c1d6e38bd2daf8fa6a7b1c
  FSPBX = nemerald-voip/fspbx @ 24614c4e260822a85dc147c7de43cca6182d03d8
          (Lua handler: resources/freeswitch_scripts/app/xml_handler/resources/scripts/, "XH/")
test/lab/README.md keeps the table of behaviour, source and test.

Every command is logged, one JSON line each, to /var/log/fslab/fs_cli.log.
"""
import fcntl
import hashlib
import json
import os
import random
import re
import socket
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
CONFIG.setdefault("hostname", CONFIG.get("switchname", "pbx"))


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
    # FSPBX resources/functions/cache.lua:22: `cache and cache.method or 'memcache'` - the code
    # default is memcache; the config.conf FS PBX installs says file (install/fusionpbx_config.conf:24).
    return config_conf().get("cache.method", "memcache")


def cache_location():
    return config_conf().get("cache.location", "/var/cache/fusionpbx")


def cache_file(key):
    # FSPBX resources/functions/cache.lua:65-71 key2file: ':' -> '.', '\\' and '/' -> '_'.
    return os.path.join(cache_location(), key.replace(":", ".").replace("\\", "_").replace("/", "_"))


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


def preprocess_sets(text):
    """The `set` commands FreeSWITCH's preprocessor runs over vars.xml, in order, as (name, value).

    FS src/switch_xml.c:1483-1600 (preprocess) reads line by line: a line holding <include>,
    </include> or <? is skipped (:1511-1513); a line holding "<X-pre-process" (any case) is executed
    whatever surrounds it, inside an ordinary <!-- --> comment too: only the old "<!--#" comments
    are tracked (:1515-1523, :1608-1623), and FS PBX's own vars.xml template warns of it. cmd is the
    text between the first quotes after "cmd=", data likewise after "data=" (:1536-1568), entities
    NOT decoded; set splits at the first '=', trims the name's trailing and the value's leading
    spaces (:1570-1585)."""
    pairs = []
    in_hash_comment = False
    for line in text.split("\n"):
        if "<include>" in line or "</include>" in line or "<?" in line:
            continue
        bp = line
        if in_hash_comment:
            end = bp.find("-->")
            if end < 0:
                continue
            in_hash_comment, bp = False, bp[end + 3:]
        at = bp.lower().find("x-pre-process")
        if at >= 0:
            if at == 0 or bp[at - 1] != "<":
                continue
            cmd_at = bp.lower().find("cmd", at)
            eq = bp.find("=", cmd_at) if cmd_at >= 0 else -1
            q = bp.find('"', eq) if eq >= 0 else -1
            if q < 0:
                continue
            cmd_end = bp.find('"', q + 1)
            cmd = bp[q + 1:cmd_end] if cmd_end >= 0 else bp[q + 1:]
            rest = bp[cmd_end + 1:] if cmd_end >= 0 else ""
            data_at = rest.lower().find("data")
            eq = rest.find("=", data_at) if data_at >= 0 else -1
            q = rest.find('"', eq) if eq >= 0 else -1
            if q < 0:
                continue
            data_end = rest.find('"', q + 1)
            data = rest[q + 1:data_end] if data_end >= 0 else rest[q + 1:]
            if cmd.lower() == "set" and "=" in data:
                name, value = data.split("=", 1)
                pairs.append((name.rstrip(" "), value.lstrip(" ")))
            continue
        hash_at = bp.find("<!--#")
        if hash_at >= 0 and bp.find("-->", hash_at) < 0:
            in_hash_comment = True
    return pairs


def read_vars_xml():
    """The `set` pre-process lines of vars.xml (preprocess_sets), and a parse error or None.

    The globals are set before the document is parsed, so a broken file still sets them (and
    reloadxml then reports the parse error, FS src/switch_xml.c:591)."""
    try:
        with open(os.path.join(CONFIG.get("conf_dir", "/etc/freeswitch"), "vars.xml"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        text = ""
    pairs = preprocess_sets(text)
    # The whole tree is parsed after preprocessing: freeswitch.xml includes vars.xml and
    # autoload_configs/*.xml (FS conf/vanilla/freeswitch.xml:39, :42).
    error = xml_error(re.sub(r"</?include>", "", text))
    conf_dir = os.path.join(CONFIG.get("conf_dir", "/etc/freeswitch"), "autoload_configs")
    for name in sorted(os.listdir(conf_dir)) if os.path.isdir(conf_dir) else []:
        if error is None and name.endswith(".xml"):
            try:
                with open(os.path.join(conf_dir, name), encoding="utf-8") as f:
                    error = xml_error(f.read())
            except OSError:
                pass
    return pairs, error


def xml_error(text):
    """FS src/switch_xml.c:591 "[error near line %d]: %s", or None when the text parses."""
    try:
        ET.fromstring("<include>%s</include>" % re.sub(r"<\?xml[^>]*\?>", "", text))
    except ET.ParseError as e:
        return "[error near line %d]: %s" % (e.position[0], str(e).split(":")[0])
    return None


def expand_file_vars(value, variables):
    """FS src/switch_xml.c:1307-1349 expand_vars: the file preprocessor turns $${name} into the
    global's value; an undefined one becomes empty."""
    return re.sub(r"\$\$\{([^}]+)\}", lambda m: variables.get(m.group(1), ""), value)


def base_globals():
    """Globals FreeSWITCH sets itself before reading any XML (FS src/switch_core.c:1920, :141-156
    hostname; local_ip_v4 etc. from the interfaces). There is no global `switchname`
    (FS src/switch_core.c:344-364)."""
    return {
        "hostname": CONFIG["hostname"],
        "local_ip_v4": CONFIG["local_ip_v4"],
        "local_mask_v4": "255.255.255.0",
        "local_ip_v6": "::1",
        "base_dir": "/usr",
        "conf_dir": "/etc/freeswitch",
        "log_dir": "/var/log/freeswitch",
        "run_dir": "/var/run/freeswitch",
        "cache_dir": "/var/cache/freeswitch",
        "sounds_dir": "/usr/share/freeswitch/sounds",
        "core_uuid": CONFIG.get("core_uuid", "00000000-0000-4000-8000-000000000000"),
    }


def reload_globals(variables):
    """reloadxml re-runs the preprocessor over vars.xml: every set line updates a global in order
    (FS src/switch_xml.c:1574-1591, switch_xml_reload :2447-2462). Globals not in vars.xml stay.
    Returns the error text or None."""
    pairs, error = read_vars_xml()
    for name, value in pairs:
        variables[name] = expand_file_vars(value, variables)
    return error


def switchname_from_switch_conf():
    """FS src/switch_core.c:2336-2338: runtime.switchname comes only from switch.conf's
    <param name="switchname">, read at startup; else the host name (:360-364)."""
    try:
        with open(os.path.join(CONFIG.get("conf_dir", "/etc/freeswitch"), "autoload_configs", "switch.conf.xml"),
                  encoding="utf-8") as f:
            text = re.sub(r"<!--.*?-->", "", f.read(), flags=re.S)
    except OSError:
        return CONFIG["hostname"]
    m = re.search(r'<param\s+name="switchname"\s+value="([^"]*)"', text)
    return m.group(1) if m and m.group(1) else CONFIG["hostname"]


# --- sofia configuration (FS PBX's Lua xml_handler) -----------------------------------
def lua_substitute(value, variables):
    """FSPBX XH/configuration/sofia.conf.lua:256-263: for every `name=value` line of
    `global_getvar`, $${name} in a setting value is replaced by the global's value at the moment
    the XML is generated. Then :270-275: xml.sanitize (FSPBX resources/functions/xml.lua:19-27)
    removes every '$' - so an undefined $${x} reaches FreeSWITCH as {x} - and four safe variables
    get their '$' back. (sanitize's entity escaping is left to quoteattr below.)"""
    for name, var in variables.items():
        value = value.replace("$${%s}" % name, var)
    value = value.replace("$", "")
    for safe in ("{domain_name}", "{strftime", "{uuid}", "{record_ext}"):
        value = value.replace(safe, "$" + safe)
    return value


def sofia_conf_generate(state):
    """FSPBX XH/configuration/sofia.conf.lua:72-95 (rows), :111-126 (gateways), :234-248 (domains)."""
    switchname = state.data["switchname"]
    variables = state.data["globals"]
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>', '<document type="freeswitch/xml">',
           '\t<section name="configuration">',
           '\t\t<configuration name="sofia.conf" description="sofia Endpoint">',
           '\t\t\t<global_settings>', '\t\t\t\t<param name="log-level" value="0"/>',
           '\t\t\t</global_settings>', '\t\t\t<profiles>']
    # sofia.conf.lua:88-95: only 'true' exactly, hostname NULL/''/switchname, inner join on enabled
    # settings (a profile with none is left out), ordered by profile name only (settings in DB order).
    rows = query(
        "select p.sip_profile_uuid::text as uuid, p.sip_profile_name as profile, s.sip_profile_setting_name as name, "
        "s.sip_profile_setting_value as value from v_sip_profiles as p, v_sip_profile_settings as s "
        "where s.sip_profile_setting_enabled = 'true' and p.sip_profile_enabled = 'true' "
        "and (p.sip_profile_hostname = :'v0' or p.sip_profile_hostname is null or p.sip_profile_hostname = '') "
        "and p.sip_profile_uuid = s.sip_profile_uuid order by p.sip_profile_name asc",
        (switchname,),
    )
    profiles = []
    for row in rows:
        if not profiles or profiles[-1]["uuid"] != row["uuid"]:
            profiles.append({"uuid": row["uuid"], "name": row["profile"], "settings": []})
        profiles[-1]["settings"].append((row["name"] or "", row["value"] or ""))
    for profile in profiles:
        out.append("\t\t\t\t<profile name=%s>" % quoteattr(profile["name"]))
        out.append("\t\t\t\t\t<aliases>\n\t\t\t\t\t</aliases>")
        out.append("\t\t\t\t\t<gateways>")
        # sofia.conf.lua:122-126: enabled gateways of this profile for this switchname;
        # :132 named by lower(gateway_uuid); :134-217 each param only when non-empty.
        gateways = query(
            "select * from v_gateways where profile = :'v0' and enabled = 'true' "
            "and (hostname = :'v1' or hostname is null or hostname = '')",
            (profile["name"], switchname),
        )
        for gw in gateways:
            out.append("\t\t\t\t\t\t<gateway name=%s>" % quoteattr(gw["gateway_uuid"].lower()))
            for column, param in (("username", "username"), ("auth_username", "auth-username"),
                                  ("password", "password"), ("realm", "realm"), ("from_user", "from-user"),
                                  ("from_domain", "from-domain"), ("proxy", "proxy"),
                                  ("register_proxy", "register-proxy"), ("outbound_proxy", "outbound-proxy"),
                                  ("expire_seconds", "expire-seconds"), ("register", "register"),
                                  ("retry_seconds", "retry-seconds"), ("extension", "extension"),
                                  ("ping", "ping"), ("context", "context"), ("caller_id_in_from", "caller-id-in-from")):
                value = gw.get(column)
                if value is not None and len(str(value)) > 0:
                    out.append("\t\t\t\t\t\t\t<param name=%s value=%s/>" % (quoteattr(param), quoteattr(str(value))))
            # sofia.conf.lua:171-186: register-transport udp unless tcp/tls; contact-params always.
            transport = gw.get("register_transport") or ""
            out.append('\t\t\t\t\t\t\t<param name="register-transport" value=%s/>'
                       % quoteattr(transport if transport in ("tcp", "tls") else "udp"))
            out.append("\t\t\t\t\t\t</gateway>")
        out.append("\t\t\t\t\t</gateways>")
        out.append("\t\t\t\t\t<domains>")
        domains = query(
            "select sip_profile_domain_name as name, sip_profile_domain_alias as alias, "
            "sip_profile_domain_parse as parse from v_sip_profile_domains where sip_profile_uuid = :'v0'::uuid",
            (profile["uuid"],),
        )
        for d in domains:
            out.append("\t\t\t\t\t\t<domain name=%s alias=%s parse=%s/>" % (
                quoteattr(d["name"] or ""), quoteattr(d["alias"] or "false"), quoteattr(d["parse"] or "false")))
        out.append("\t\t\t\t\t</domains>")
        out.append("\t\t\t\t\t<settings>")
        for name, value in profile["settings"]:
            out.append("\t\t\t\t\t\t<param name=%s value=%s/>"
                       % (quoteattr(name), quoteattr(lua_substitute(value, variables))))
        out.append("\t\t\t\t\t</settings>")
        out.append("\t\t\t\t</profile>")
    out += ["\t\t\t</profiles>", "\t\t</configuration>", "\t</section>", "</document>", ""]
    return "\n".join(out)


def sofia_conf_xml(state):
    """What FreeSWITCH gets when it asks for sofia.conf. FSPBX XH/configuration/sofia.conf.lua:32-34:
    key configuration:sofia.conf:<switchname>; a hit is returned as is, stale or not (the file cache
    has no expiry, FSPBX resources/functions/cache.lua:155-183); a miss is generated and cached."""
    key = "configuration:sofia.conf:%s" % state.data["switchname"]
    cached = cache_get(key)
    if cached is not None:
        return cached
    text = sofia_conf_generate(state)
    cache_set(key, text)
    return text


def parse_conf(text):
    root = ET.fromstring(text.split("?>", 1)[-1])
    profiles = {}
    for profile in root.iter("profile"):
        settings = profile.find("settings")
        params = [(p.get("name", ""), p.get("value", "")) for p in (settings if settings is not None else [])]
        gateways = []
        for gw in profile.iter("gateway"):
            gateways.append({"name": gw.get("name", ""),
                             "params": {p.get("name", ""): p.get("value", "") for p in gw.iter("param")}})
        profiles[profile.get("name", "")] = {"params": params, "gateways": gateways}
    return profiles


def profile_conf(state, name):
    """One profile of the config FreeSWITCH would load now, or None."""
    return parse_conf(sofia_conf_xml(state)).get(name)


def parse_ext_ip(running, name, value, local_ip):
    """One ext-rtp-ip / ext-sip-ip param into the running profile, as FS
    src/mod/endpoints/mod_sofia/sofia.c:5153-5177 (ext-rtp-ip) and :5245-5276 (ext-sip-ip) do it.
    Returns False where FreeSWITCH aborts the config (an empty ext-sip-ip, :5274-5276).
    - '0.0.0.0' is the guessed local IP; 'auto-nat' sets nothing (the old value stays); 'auto' is the
      guessed local IP.
    - ext-rtp-ip: any other value clears the Auto-NAT flag (:5164); 'autonat:X' sets X and the flag
      (:5166-5172), and ext-sip-ip to X when it has none; anything else is kept as written, 'host:<name>'
      too (resolved per call, switch_core_media.c:8185-8197).
    - ext-sip-ip: other values go through sofia_glue_ext_address_lookup (:5259): 'host:<name>' is
      resolved now, at load or rescan (sofia_glue.c:227-228), and kept until the next one; the flag is
      cleared (:5261); then 'autonat:X' sets X and the flag (:5266-5269): 'autonat:host:<name>' is
      therefore the text 'host:<name>', never resolved. 'stun:' (a server outside the lab) is not
      modelled: its lookup fails and the guessed IP is used (:5262-5263).
    Observed on 1.10.12: fixtures/real-freeswitch/02-ext-ip-rescan.json, 08-host-ext-ip.json."""
    if value == "":
        # "Invalid ext-rtp-ip" is logged and nothing changes; an empty ext-sip-ip aborts the config.
        return name != "ext-sip-ip"
    lower = value.lower()
    ip = local_ip
    if value == "0.0.0.0":
        pass
    elif lower == "auto-nat":
        ip = None
    elif name == "ext-rtp-ip":
        ip = local_ip if lower == "auto" else value
        running["auto_nat"] = False
    elif lower != "auto":
        if lower.startswith("stun:"):
            pass  # "Failed to get external ip." (:5262-5263): the guessed IP stays
        else:
            ip = host_lookup(value[len("host:"):]) if lower.startswith("host:") else value
            running["auto_nat"] = False
    if ip is None:
        return True
    key = name.replace("-", "_")
    if ip.lower().startswith("autonat:"):
        running[key] = ip[len("autonat:"):]
        running["auto_nat"] = True
        if name == "ext-rtp-ip" and not running.get("ext_sip_ip"):
            running["ext_sip_ip"] = running[key]
    else:
        running[key] = ip
    return True


def host_lookup(name):
    """FS src/switch_stun.c:699-709 switch_stun_host_lookup: getaddrinfo for any family
    (SWITCH_UNSPEC), the first address as text, and '' (never a failure) when the name does not
    resolve, which sofia.c:5259-5271 then takes as the address: Ext-SIP-IP empty (observed, fixture 08)."""
    try:
        found = socket.getaddrinfo(name, None, socket.AF_UNSPEC, socket.SOCK_DGRAM)
    except (OSError, UnicodeError):
        return ""
    return found[0][4][0] if found else ""


def new_profile(name, now):
    """A freshly started profile's defaults (FS sofia.c:4589-4690, the start-only branch): every list
    empty, the candidate ACL list included (a new profile is zeroed)."""
    return {"name": name, "started": now, "sip_ip": "", "sip_port": "5060", "rtp_ips": [],
            "ext_sip_ip": None, "ext_rtp_ip": "", "auto_nat": False, "aggressive_nat": False, "nat_acls": [], "cand_acls": [],
            "local_network_acl": "", "context": "public", "dialplan": "XML", "inbound_acl": "",
            "ws_binding": "", "wss_binding": "", "tls": False, "tls_sip_port": "", "gateways": []}


def apply_params(running, conf, local_ip, full):
    """Parses every <param> into the running profile, as FS sofia.c:4713 does on start AND on rescan
    (the param loop always runs). Returns False where FreeSWITCH aborts the config (empty
    ext-sip-ip, sofia.c:5264-5266)."""
    if not full:
        # FS sofia.c:4692-4711, the rescan-only branch: the inbound, NAT, register and proxy ACL counts
        # and the rtp-ip index go back to 0, so those lists are rebuilt from the params below. The
        # candidate ACL list is not in it: it keeps growing (apply-candidate-acl below).
        running["nat_acls"], running["rtp_ips"], running["inbound_acl"] = [], [], ""
    for name, value in conf["params"]:
        if name in ("sip-ip", "sip-port", "ws-binding", "wss-binding"):
            # Re-parsed on start and rescan, and the URLs xmlstatus prints recomputed from them
            # (FS sofia.c:5806-5831, :6225 config_sofia_profile_urls); the sockets, though, are bound
            # once, when the NUA is created at start (:3221-3241): see bind_sockets().
            if value or name in ("sip-ip", "sip-port"):
                running[name.replace("-", "_")] = value
        elif name in ("tls", "tls-sip-port"):
            # FS sofia.c:5835-5848 (tls = switch_true) and :5862-5868 (atoi): re-parsed on rescan too,
            # so xmlstatus shows the tls-url at once; the TLS socket is bound at start only (:3221-3241).
            if name == "tls":
                running["tls"] = switch_true(value)
            elif value:
                running["tls_sip_port"] = value
        elif name == "rtp-ip":
            # FS sofia.c:5205-5206: each parse appends to profile->rtpip[] (emptied first on start and on
            # rescan, :4705).
            running["rtp_ips"].append(value or local_ip)
        elif name in ("ext-sip-ip", "ext-rtp-ip"):
            if not parse_ext_ip(running, name, value, local_ip):
                return False
        elif name == "aggressive-nat-detection":
            # FS sofia.c:5101-5106: switch_true sets, anything else clears; an absent param keeps it.
            running["aggressive_nat"] = value.lower() in ("true", "yes", "on", "enabled", "active", "allow", "1")
        elif name == "apply-nat-acl" and value:
            # FS sofia.c:5708-5719: 'none' empties the list; others append to the list the rescan emptied.
            if value.lower() == "none":
                running["nat_acls"] = []
            else:
                running["nat_acls"].append(value)
        elif name == "apply-candidate-acl" and value:
            # FS sofia.c:5763-5767: 'none' empties it; others append while fewer than SWITCH_MAX_CAND_ACL = 25
            # (switch_core_media.h:42). Not emptied on rescan, so every rescan adds the rows again.
            cand = running.setdefault("cand_acls", [])
            if value.lower() == "none":
                running["cand_acls"] = []
            elif len(cand) < 25:
                cand.append(value)
        elif name == "local-network-acl":
            running["local_network_acl"] = value
        elif name == "context":
            running["context"] = value
        elif name == "dialplan":
            running["dialplan"] = value
        elif name == "apply-inbound-acl":
            running["inbound_acl"] = value
        elif name in ("presence-hosts", "challenge-realm", "hold-music"):
            running[name.replace("-", "_")] = value  # FS sofia.c:5015, :5794, :5287
        elif name in ("inbound-codec-prefs", "outbound-codec-prefs"):
            running[name.split("-")[0] + "_codecs"] = value  # FS sofia.c:5790-5793
        elif name == "inbound-late-negotiation":
            running["late_neg"] = switch_true(value)  # FS sofia.c:5029
    # Gateways are parsed after the settings, on start and on rescan (FS sofia.c:6256-6310), but a
    # rescan skips a gateway already loaded ("Ignoring duplicate gateway", sofia.c:3783-3789): its
    # Contact stays what it was built from when it was loaded (sofia.c:4133-4197).
    loaded = {g["name"]: g for g in running["gateways"]} if not full else {}
    gateways = []
    for g in conf["gateways"]:
        if g["name"] in loaded:
            gateways.append(loaded.pop(g["name"]))
            continue
        gateway = new_gateway(running, g)
        if gateway is not None:
            gateways.append(gateway)
    # A rescan deletes nothing: a gateway gone from the config stays until killgw (mod_sofia.c:3584-3603).
    running["gateways"] = gateways + list(loaded.values())
    return True


def new_gateway(running, g):
    """One gateway as FS sofia.c parse_gateways builds it when it is loaded; None where it is skipped."""
    params = g["params"]
    register = params.get("register", "true")
    username, password = params.get("username", ""), params.get("password", "")
    if switch_true(register) and (not username or not password):
        return None  # "username/password param is REQUIRED!" (sofia.c:3994-4003): the gateway is skipped
    proxy = params.get("proxy") or params.get("realm") or g["name"]  # sofia.c:3986-3992, :4023-4025
    # sofia.c:4136-4146: the Contact host is the profile's ext-sip-ip when it has one (set at all, even
    # empty), else sip-ip; with the Auto-NAT flag, sip-ip for a registrar on a LAN address (:4165-4171,
    # switch_is_lan_addr); :4085-4094 params ";transport=<register-transport>;gw=<name>"; :4180-4185
    # "<sip:gw+name@host:port…>" with the profile's ext-sip-port (the sip-port unless set).
    host = running["ext_sip_ip"] if running.get("ext_sip_ip") is not None else running["sip_ip"]
    if running.get("auto_nat") and is_private(proxy.split(";", 1)[0].removeprefix("sip:").split(":", 1)[0]):
        host = running["sip_ip"]
    transport = params.get("register-transport") or "udp"
    contact = "<sip:gw+%s@%s:%s;transport=%s;gw=%s>" % (g["name"], host, running["sip_port"], transport, g["name"])
    return {"name": g["name"],
            # sofia.c:4146-4153: register_to sip:<username>@<proxy>, the Data column of the gateway lists
            # (observed: fixtures/real-freeswitch/03-gateway-contact.json).
            "register_to": "sip:%s@%s" % (username or "FreeSWITCH", proxy[4:] if proxy.lower().startswith("sip:") else proxy),
            "register": register,
            "has_password": bool(password),
            "username": username or "FreeSWITCH",  # sofia.c:4013-4016
            # The stand-in's memory of the gateway, like FreeSWITCH's own (never written elsewhere).
            "password": password,
            "realm": params.get("realm") or proxy,
            "proxy": proxy,
            "contact": contact,
            "expires": params.get("expire-seconds") or "3600",
            "retry_seconds": int(params["retry-seconds"]) if params.get("retry-seconds", "").isdigit() else 30,
            # sofia_reg.c:362-370, :446-480: a registering gateway starts UNREGED and the next check
            # sends its REGISTER; register=false is NOREG (sofia.c:4029-4033).
            "state": "UNREGED" if switch_true(register) else "NOREG",
            "due": 0}


def load_profile(state, name, now):
    """A full load (start, or a restart's respawn, FS sofia.c:3589) from the config fetched now."""
    conf = profile_conf(state, name)
    if conf is None:
        return None
    running = new_profile(name, now)
    if not apply_params(running, conf, state.data["globals"].get("local_ip_v4", ""), full=True):
        return None
    bind_sockets(running)
    return running


BOUND_KEYS = ("sip_ip", "sip_port", "tls", "tls_sip_port", "ws_binding", "wss_binding")


def bind_sockets(running):
    """What the NUA binds when the profile starts (FS sofia.c:3221-3241: NUTAG_URL bindurl,
    NUTAG_SIPS_URL tls_bindurl with TLS, NUTAG_WS_URL / NUTAG_WSS_URL): kept apart from the values a
    rescan re-parses. tls_listener.py opens the lab's real TLS/WSS sockets from it, so `ss -ltnH` on
    the PBX host answers from the kernel."""
    running["bound"] = {k: running[k] for k in BOUND_KEYS}


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


RESPAWN_SECONDS = 1.5


def boot(state):
    """FreeSWITCH starts: switchname from switch.conf (read only now), globals from vars.xml, then
    every profile of sofia.conf is started."""
    now = time.time()
    variables = base_globals()
    reload_globals(variables)
    state.data = {"booted": now, "globals": variables, "switchname": switchname_from_switch_conf(),
                  "profiles": {}, "pending": {}}
    for name in parse_conf(sofia_conf_xml(state)):
        profile = load_profile(state, name, now)
        if profile is not None:
            state.data["profiles"][name] = profile
    state.save()
    return ""


def settle(state):
    """A restart returns at once; the profile thread exits and re-launches itself, reading the
    config at that moment (FS mod_sofia.c:3779-3783 PFLAG_RESPAWN, sofia.c:3589). The lab's thread
    takes RESPAWN_SECONDS; meanwhile the profile is not listed."""
    now = time.time()
    changed = False
    for name, due in list(state.data.setdefault("pending", {}).items()):
        if due > now:
            continue
        del state.data["pending"][name]
        profile = load_profile(state, name, due)
        if profile is not None:
            state.data["profiles"][name] = profile
        changed = True
    if check_gateways(state) or changed:
        state.save()


# --- gateway registration (a real REGISTER over UDP, through the lab's router) --------------
SIP_SERVER = "FreeSWITCH-mod_sofia/1.10.12-release+git~20240802T210227Z~a88d069d6f~64bit"
SIP_RETRANSMITS = (0.5, 1.0, 2.0)


def is_private(host):
    parts = host.split(".")
    if len(parts) != 4 or not all(x.isdigit() for x in parts):
        return False
    a, b = int(parts[0]), int(parts[1])
    return a == 10 or a == 127 or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168)


def digest_authorization(challenge, user, password, uri):
    """RFC 2617 digest (MD5), as sofia-sip answers a 401/407 for the gateway's credentials."""
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge.split(" ", 1)[-1]))
    realm, nonce = fields.get("realm", ""), fields.get("nonce", "")
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    ha1, ha2 = md5("%s:%s:%s" % (user, realm, password)), md5("REGISTER:%s" % uri)
    out = 'Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5' % (user, realm, nonce, uri)
    if "auth" in fields.get("qop", "").split(","):
        cnonce = "%08x" % random.getrandbits(32)
        response = md5("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce, ha2))
        out += ', qop=auth, nc=00000001, cnonce="%s"' % cnonce
    else:
        response = md5("%s:%s:%s" % (ha1, nonce, ha2))
    out += ', response="%s"' % response
    if "opaque" in fields:
        out += ', opaque="%s"' % fields["opaque"]
    return out


def sip_register(gw, profile, expires):
    """One REGISTER transaction for a gateway, answering one digest challenge (sofia_reg.c:466-478:
    To/From sip:<username>@<proxy>, the gateway's Contact, Expires). Returns the final status code, or
    None when nothing answered. The lab's stand-in sends from an ephemeral port of the LAN address
    (sip_responder.py holds the profile's port); the router's NAT maps it like FreeSWITCH's 5080.
    When the registrar is not on the LAN and the profile has an ext-sip-ip, the Via carries that
    address (sofia_reg.c:449-452, sofia_glue_check_nat)."""
    target = gw["proxy"].split(";", 1)[0]
    target = target[4:] if target.lower().startswith("sip:") else target
    host, _, port = target.partition(":")
    local = CONFIG["local_ip_v4"]
    via_host = profile["ext_sip_ip"] if profile["ext_sip_ip"] and not is_private(host) else local
    uri = "sip:%s" % target
    aor = "<sip:%s@%s>" % (gw["username"], target)
    call_id = "%032x" % random.getrandbits(128)
    tag = "%016x" % random.getrandbits(64)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((local, 0))
        # sofia-sip keeps a gateway's credentials with its handle: a later REGISTER of the same gateway (a
        # refresh, the un-REGISTER of killgw) carries them at once. Observed on 1.10.12: the un-REGISTER
        # after killgw was answered 200 with no new 401 (fixtures/real-freeswitch/03-gateway-contact.json).
        kept = gw.get("challenge")
        authorization = digest_authorization(kept, gw["username"], gw.get("password", ""), uri) if kept else None
        answered = False
        for cseq in (1, 2):
            lines = ["REGISTER %s SIP/2.0" % uri,
                     "Via: SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%016x" % (via_host, sock.getsockname()[1],
                                                                         random.getrandbits(64)),
                     "Max-Forwards: 70", "From: %s;tag=%s" % (aor, tag), "To: %s" % aor, "Call-ID: %s" % call_id,
                     "CSeq: %d REGISTER" % cseq, "Contact: %s" % gw["contact"], "Expires: %s" % expires,
                     "User-Agent: %s" % SIP_SERVER]
            if authorization:
                lines.append("Authorization: %s" % authorization)
            data = None
            # RFC 3261 §17.1.2.2 (what sofia-sip's nta does over UDP): retransmit at T1 = 0.5 s, doubling;
            # FreeSWITCH gives up after Timer F (32 s), the stand-in after SIP_RETRANSMITS so fs_cli answers.
            for wait in SIP_RETRANSMITS:
                sock.sendto(("\r\n".join(lines + ["Content-Length: 0", "", ""])).encode(), (host, int(port or 5060)))
                sock.settimeout(wait)
                try:
                    data, _ = sock.recvfrom(65535)
                    break
                except socket.timeout:
                    continue
            if data is None:
                return None
            head = data.decode("utf-8", "replace").split("\r\n")
            try:
                code = int(head[0].split(" ")[1])
            except (IndexError, ValueError):
                return None
            challenge = next((l.split(":", 1)[1].strip() for l in head if l.lower().startswith("www-authenticate:")), None)
            if code == 401 and challenge and not answered:
                answered, gw["challenge"] = True, challenge
                authorization = digest_authorization(challenge, gw["username"], gw.get("password", ""), uri)
                continue
            return code
        return None
    except OSError:
        return None
    finally:
        sock.close()


def unregister(gw, profile):
    """A REGED gateway that is deleted (killgw) or whose profile stops sends REGISTER with Expires 0
    (sofia_glue.c:2097-2107 → UNREGISTER, sofia_reg.c:133-145 sofia_reg_kill_reg; :366-369, :483-491)."""
    if CONFIG.get("register_gateways") and gw.get("state") == "REGED":
        sip_register(gw, profile, "0")


def check_gateways(state):
    """sofia_reg_check_gateway (FS sofia_reg.c:362-560), run when fs_cli is asked instead of on
    FreeSWITCH's timer: an UNREGED gateway registers; a 200 makes it REGED until freq-15 s
    (:421-433); anything else leaves it FAIL_WAIT for retry-seconds (:476, :507-523); a REGED one
    re-registers when due, with the same Contact. Only where the lab has a carrier to register to
    (netns mode): in loopback mode no packet is ever sent."""
    if not CONFIG.get("register_gateways"):
        return False
    now, changed = time.time(), False
    for profile in state.data["profiles"].values():
        for gw in profile["gateways"]:
            status = gw.get("state")
            if status not in ("UNREGED", "REGED", "FAIL_WAIT") or (status != "UNREGED" and now < gw.get("due", 0)):
                continue
            code = sip_register(gw, profile, gw["expires"])
            if code == 200:
                freq = int(gw["expires"]) if gw["expires"].isdigit() else 3600
                gw["state"], gw["due"] = "REGED", now + (freq - 15 if freq > 30 else max(freq // 2, 1))
            else:
                gw["state"], gw["due"] = "FAIL_WAIT", now + gw["retry_seconds"]
            changed = True
    return changed


def killgw(state, profile, args):
    """`sofia profile <p> killgw <name>|_all_` (FS mod_sofia.c:3584-3603): `_all_` marks every gateway
    of the profile, a name the gateway found by name in any profile (sofia_reg_find_gateway); the
    deleted gateway unregisters and is dropped (sofia_glue.c:2097-2107, sofia_reg.c:316-356), so the
    next rescan loads it again, with a Contact built from the profile's ext-sip-ip of that moment."""
    if not args:
        return "-ERR missing gw name\n"
    if args[0].lower() == "_all_":
        for gw in profile["gateways"]:
            unregister(gw, profile)
        profile["gateways"] = []
        state.save()
        return "+OK every gateway marked for deletion.\n"
    for p in state.data["profiles"].values():
        for gw in p["gateways"]:
            if gw["name"] == args[0]:
                unregister(gw, p)
                p["gateways"].remove(gw)
                state.save()
                return "+OK gateway marked for deletion.\n"
    return "-ERR no such gateway.\n"


def xml_reload(state):
    """switch_xml_reload (FS src/switch_xml.c:2447-2462): globals re-set from vars.xml; the text is
    'Success' or the parse error."""
    error = reload_globals(state.data["globals"])
    return error or "Success"


# --- commands -------------------------------------------------------------------------
def on_ext_sip_ip(p):
    """The profile's URLs are on ext-sip-ip when it has one and no Auto-NAT flag, else on sip-ip (FS
    sofia.c:4275, :4344). FreeSWITCH tests the pointer, not the text: an ext-sip-ip set empty (a host:
    name that did not resolve at the last rescan) is one, and the URL reads `sip:mod_sofia@:5080`;
    with autonat: the URL stays on sip-ip (both observed, fixture 08)."""
    return p.get("ext_sip_ip") is not None and not p.get("auto_nat")


def profile_url(p):
    """FS sofia.c:4265-4277 config_sofia_profile_urls. Observed on 1.10.12: `URL sip:mod_sofia@203.0.113.2:5080`
    once a rescan set ext-sip-ip (test/lab/pbx/fixtures/real-freeswitch/02-ext-ip-rescan.json)."""
    return "sip:mod_sofia@%s:%s" % (p["ext_sip_ip"] if on_ext_sip_ip(p) else p["sip_ip"], p["sip_port"])


def profile_bind_url(p):
    """FS sofia.c:4281 (;maddr=sip-ip only on ext-sip-ip) and :4286-4296 (bind params, default
    transport=udp,tcp). Observed: fixtures/real-freeswitch/02-ext-ip-rescan.json, 08."""
    maddr = ";maddr=%s" % p["sip_ip"] if on_ext_sip_ip(p) else ""
    return "%s%s;transport=udp,tcp" % (profile_url(p), maddr)


def profile_info(p):
    """(xmlstatus name, status label, value) in the order FS mod_sofia.c prints them: :3040-3110 (`sofia
    status profile`, labels padded as written there, WS-BIND-URL one space short) and :3340-3410
    (`sofia xmlstatus profile`). Values from the profile's params (sofia.c:5015 presence-hosts, :5287
    hold-music, :5790-5794 codec prefs and challenge-realm, :5029 inbound-late-negotiation), else the
    defaults a new profile gets (:4680 te 101, :6106 max-recv-rps 1000, :6146 CNG 13). Checked against
    1.10.12's answers in fixtures/real-freeswitch/ (02, 05)."""
    rows = [("domain-name", "Domain Name      ", "N/A"), ("auto-nat", "Auto-NAT         ", "true" if p.get("auto_nat") else "false"),
            ("db-name", "DBName           ", "sofia_reg_%s" % p["name"]),
            ("pres-hosts", "Pres Hosts       ", p.get("presence_hosts", "")),
            ("dialplan", "Dialplan         ", p["dialplan"]), ("context", "Context          ", p["context"]),
            ("challenge-realm", "Challenge Realm  ", p.get("challenge_realm") or "auto_to")]
    rows += [("rtp-ip", "RTP-IP           ", ip) for ip in p["rtp_ips"]]
    if p["ext_rtp_ip"]:
        rows.append(("ext-rtp-ip", "Ext-RTP-IP       ", p["ext_rtp_ip"]))
    rows.append(("sip-ip", "SIP-IP           ", p["sip_ip"]))
    if p["ext_sip_ip"] is not None:
        rows.append(("ext-sip-ip", "Ext-SIP-IP       ", p["ext_sip_ip"]))
    rows += [("url", "URL              ", profile_url(p)), ("bind-url", "BIND-URL         ", profile_bind_url(p))]
    if p.get("tls"):
        rows += [("tls-url", "TLS-URL          ", tls_url(p)), ("tls-bind-url", "TLS-BIND-URL     ", tls_bind_url(p))]
    if p["ws_binding"]:
        rows.append(("ws-bind-url", "WS-BIND-URL     ", bind_url(p["ws_binding"], p["sip_ip"], "ws")))
    if p["wss_binding"]:
        rows.append(("wss-bind-url", "WSS-BIND-URL     ", bind_url(p["wss_binding"], p["sip_ip"], "wss")))
    rows += [("hold-music", "HOLD-MUSIC       ", p.get("hold_music") or "N/A"),
             ("outbound-proxy", "OUTBOUND-PROXY   ", "N/A"),
             ("inbound-codecs", "CODECS IN        ", p.get("inbound_codecs", "")),
             ("outbound-codecs", "CODECS OUT       ", p.get("outbound_codecs", "")),
             ("tel-event", "TEL-EVENT        ", "101"), ("dtmf-mode", "DTMF-MODE        ", "rfc2833"),
             ("cng", "CNG              ", "13"), ("session-to", "SESSION-TO       ", "0"),
             ("max-dialog", "MAX-DIALOG       ", "0"), ("max-recv-rps", "MAX-RECV-RPS     ", "1000"),
             ("nomedia", "NOMEDIA          ", "false"),
             ("late-neg", "LATE-NEG         ", "true" if p.get("late_neg") else "false"),
             ("proxy-media", "PROXY-MEDIA      ", "false"),
             ("aggressive-nat", "AGGRESSIVENAT    ", "true" if p["aggressive_nat"] else "false")]
    return rows


def switch_true(value):
    """FS src/include/switch_utils.h:518-528."""
    v = value.strip().lower()
    if v in ("yes", "on", "true", "t", "enabled", "active", "allow"):
        return True
    try:
        return int(v) != 0
    except ValueError:
        return False


def tls_port(p):
    """FS sofia.c:5866-5867 atoi(tls-sip-port); 0 or absent means SOFIA_DEFAULT_TLS_PORT 5061
    (sofia.c:4322-4325, mod_sofia.h:128). The lab's TLS listener (tls_listener.py) reads it too."""
    digits = ""
    for ch in (p.get("tls_sip_port") or "").strip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits and int(digits) > 0 else 5061


def tls_url(p):
    """FS sofia.c:4344-4360: on ext-sip-ip when there is one and no Auto-NAT flag, else on sip-ip; no
    transport param."""
    return "sip:mod_sofia@%s:%d" % (p["ext_sip_ip"] if on_ext_sip_ip(p) else p["sip_ip"], tls_port(p))


def tls_bind_url(p):
    """FS sofia.c:4344-4360: sips:, maddr=sip-ip on ext-sip-ip, then tls-bind-params
    (transport=tls, the stock value and what `tls` adds when absent, :5837-5844)."""
    if on_ext_sip_ip(p):
        return "sips:mod_sofia@%s:%d;maddr=%s;transport=tls" % (p["ext_sip_ip"], tls_port(p), p["sip_ip"])
    return "sips:mod_sofia@%s:%d;transport=tls" % (p["sip_ip"], tls_port(p))


def bind_url(binding, ip, transport):
    # FS sofia.c config_sofia_profile_urls: ws(s)-binding ':port' binds on sip-ip.
    port = binding.rsplit(":", 1)[-1]
    scheme = "sips" if transport == "wss" else "sip"
    return "%s:mod_sofia@%s:%s;transport=%s" % (scheme, ip, port, transport)


def cmd_sofia_status(state, args):
    profiles = state.data["profiles"]
    if len(args) >= 2 and args[0] == "profile":
        p = profiles.get(args[1])
        if not p:
            return "Invalid Profile!\n"
        # FS mod_sofia.c:3040-3110: no ACL rows are printed.
        rows = [("Name             ", p["name"])] + [(label, value) for _, label, value in profile_info(p)]
        rows += [("CALLS-IN         ", "0"), ("FAILED-CALLS-IN  ", "0"), ("CALLS-OUT        ", "0"),
                 ("FAILED-CALLS-OUT ", "0"), ("REGISTRATIONS    ", "0")]
        # No closing line: FS mod_sofia.c:3167-3174 prints one only under a `reg`/`user`/`pres` listing.
        return LINE + "\n" + "".join("%s\t%s\n" % row for row in rows)
    if args and args[0] == "gateway":
        return cmd_gateway_status(state, args[1:])
    # FS mod_sofia.c:3189-3235: one row per profile URL (%40s), no WS/WSS rows, each profile's gateways
    # after it. Profiles come in FreeSWITCH's hash order: 1.10.12 listed external before internal
    # (fixtures/real-freeswitch/01-reloadxml.json), so names ascending here.
    out = "%25s\t%s\t  %40s\t%s\n" % ("Name", "   Type", "Data", "State") + LINE + "\n"
    for name in sorted(profiles):
        p = profiles[name]
        out += "%25s\t%s\t  %40s\t%s (%u)\n" % (name, "profile", profile_url(p), "RUNNING", 0)
        if p.get("tls"):
            # FS mod_sofia.c:3206-3208: a second row with the TLS URL.
            out += "%25s\t%s\t  %40s\t%s (%u) (TLS)\n" % (name, "profile", tls_url(p), "RUNNING", 0)
        for g in p["gateways"]:
            # FS mod_sofia.c:3212-3227: profile::gateway, register_to, state (and the retry wait).
            out += "%25s\t%s\t  %40s\t%s%s\n" % ("%s::%s" % (name, g["name"]), "gateway", g["register_to"],
                                                 gateway_state(g), retry_suffix(g))
    n = len(profiles)
    out += LINE + "\n" + "%d profile%s %d alias%s\n" % (n, "" if n == 1 else "s", 0, "es")
    return out


def retry_suffix(g):
    """FS mod_sofia.c:2972-2979, :3219-3226: seconds to the next try, or NEVER, for a gateway trying or failed."""
    if gateway_state(g) not in ("TRYING", "FAILED", "FAIL_WAIT"):
        return ""
    left = int(g.get("due", 0) - time.time())
    return " (retry: %ds)" % left if left >= 0 and g.get("due") else " (retry: NEVER)"


def gateway_state(gw):
    # FS mod_sofia.c:2783-2796 state names; a gateway with register=false is NOREG (sofia.c:4029-4033).
    # Without a carrier to register to (loopback mode) the stand-in leaves a registering gateway TRYING.
    if "state" not in gw:
        return "NOREG" if gw["register"] == "false" else "TRYING"
    return "TRYING" if gw["state"] == "UNREGED" and not CONFIG.get("register_gateways") else gw["state"]


def cmd_gateway_status(state, args):
    """FS mod_sofia.c:2938-2986 (summary) and :2995-3025 (one gateway)."""
    gateways = [(p, g) for _, p in sorted(state.data["profiles"].items()) for g in p["gateways"]]
    if args:
        for p, g in gateways:
            if g["name"] == args[0]:
                # mod_sofia.c:3001-3025, labels padded as printed there.
                proxy = g.get("proxy", g["register_to"][4:])
                rows = [("Name    ", g["name"]), ("Profile ", p["name"]), ("Scheme  ", "Digest"),
                        ("Realm   ", g.get("realm", proxy)), ("Username", g.get("username", "FreeSWITCH")),
                        ("Password", "yes" if g["has_password"] else "no"),
                        ("From    ", "<sip:%s@%s>" % (g.get("username", "FreeSWITCH"), proxy)),
                        ("Contact ", g.get("contact", "")), ("Exten   ", g.get("username", "FreeSWITCH")),
                        ("To      ", "sip:%s@%s" % (g.get("username", "FreeSWITCH"), proxy)),
                        ("Proxy   ", "sip:%s" % proxy), ("Context ", "public"),
                        ("Expires ", g.get("expires", "3600")), ("Freq    ", g.get("expires", "3600")),
                        ("Ping    ", "0"), ("PingFreq", "0"), ("PingTime", "0.00"), ("PingState", "0/0/0"),
                        ("State   ", gateway_state(g)),
                        ("Status  ", "UP" if gateway_state(g) in ("REGED", "NOREG") else "DOWN"),
                        ("Uptime  ", "0s"), ("CallsIN ", "0"), ("CallsOUT", "0"), ("FailedCallsIN", "0"),
                        ("FailedCallsOUT", "0")]
                return LINE + "\n" + "".join("%s\t%s\n" % row for row in rows) + LINE + "\n"
        return "Invalid Gateway!\n"
    out = "%25s\t%32s\t%s\t%9s\t%s\t%s\n" % ("Profile::Gateway-Name", "    Data    ", "State", "Ping Time",
                                              "IB Calls(F/T)", "OB Calls(F/T)")
    out += "=" * 97 + "\n"
    for p, g in gateways:
        out += "%25s\t%32s\t%s\t%6.2f\t%u/%u\t%u/%u" % ("%s::%s" % (p["name"], g["name"]), g["register_to"],
                                                     gateway_state(g), 0.0, 0, 0, 0, 0)
        out += retry_suffix(g) + "\n"
    out += "=" * 97 + "\n"
    n = len(gateways)
    out += "%d gateway%s: Inbound(Failed/Total): %u/%u,Outbound(Failed/Total):%u/%u\n" % (
        n, "" if n == 1 else "s", 0, 0, 0, 0)
    return out


def cmd_sofia_xmlstatus(state, args):
    """FS mod_sofia.c:3494-3546 (list: a row per URL, WS and WSS included, gateways after each
    profile; values not escaped) and :3353-3401 (one profile's profile-info)."""
    if len(args) < 2 or args[0] != "profile":
        out = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<profiles>\n'
        row = "<profile>\n<name>%s</name>\n<type>%s</type>\n<data>%s</data>\n<state>%s</state>\n</profile>\n"
        for n, p in sorted(state.data["profiles"].items()):
            out += row % (n, "profile", profile_url(p), "RUNNING (0)")
            if p.get("tls"):
                # FS mod_sofia.c:3512-3515: the TLS row.
                out += row % (n, "profile", tls_url(p), "RUNNING (0) (TLS)")
            if p["ws_binding"]:
                out += row % (n, "profile", bind_url(p["ws_binding"], p["sip_ip"], "ws"), "RUNNING (0) (WS)")
            if p["wss_binding"]:
                out += row % (n, "profile", bind_url(p["wss_binding"], p["sip_ip"], "wss"), "RUNNING (0) (WSS)")
            for g in p["gateways"]:
                out += "<gateway>\n<name>%s</name>\n<type>gateway</type>\n<data>%s</data>\n<state>%s</state>\n</gateway>\n" % (
                    g["name"], g["register_to"], gateway_state(g))
                out += retry_suffix(g) + "\n"  # FS mod_sofia.c:3532-3541
        return out + "</profiles>\n"
    p = state.data["profiles"].get(args[1])
    if not p:
        return "<error>Invalid Profile!</error>\n"
    if len(args) >= 3 and args[2] == "reg":
        return registrations_xml(p)
    fields = [("name", p["name"])] + [(name, value) for name, _, value in profile_info(p)]
    # FS mod_sofia.c:3402-3407: calls in, out, failed in, failed out, registrations.
    fields += [("calls-in", "0"), ("calls-out", "0"), ("failed-calls-in", "0"), ("failed-calls-out", "0"),
               ("registrations", "0")]
    body = "".join("    <%s>%s</%s>\n" % (k, escape(v), k) for k, v in fields)
    # FS mod_sofia.c:3337-3338: the XML header, then <profile>; no <registrations> without `reg`.
    return '<?xml version="1.0" encoding="ISO-8859-1"?>\n<profile>\n  <profile-info>\n%s  </profile-info>\n</profile>\n' % body


REGISTRATIONS = "/var/lib/fslab/registrations.json"


def registrations_xml(p):
    """`sofia xmlstatus profile <p> reg`: FS mod_sofia.c:3294 (header), :3471-3477 (<registrations>),
    rows as show_reg_callback_xml writes them (:2861-2901): contact and agent amp-encoded
    (switch_amp_encode, src/switch_utils.c:937), user and network-ip raw. Rows come from the SIP
    responder's REGISTERs (sip_responder.py); only the internal profile takes registrations here."""
    try:
        with open(REGISTRATIONS, encoding="utf-8") as f:
            rows = json.load(f)
    except (OSError, ValueError):
        rows = []
    now = time.time()
    amp = lambda v: escape(v, {'"': "&quot;", "'": "&apos;"})
    out = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<profile>\n  <registrations>\n'
    for r in rows if p["name"] == "internal" else []:
        if r["expires"] <= now:
            continue
        user, _, host = r["user"].partition("@")
        exp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["expires"]))
        out += ("    <registration>\n        <call-id>%s</call-id>\n        <user>%s@%s</user>\n"
                "        <contact>%s</contact>\n        <agent>%s</agent>\n"
                "        <status>Registered(%s-NAT)(unknown) exp(%s) expsecs(%d)</status>\n"
                "        <ping-status>Reachable</ping-status>\n        <ping-time>0.00</ping-time>\n"
                "        <host>%s</host>\n        <network-ip>%s</network-ip>\n"
                "        <network-port>%s</network-port>\n        <sip-auth-user>%s</sip-auth-user>\n"
                "        <sip-auth-realm>%s</sip-auth-realm>\n        <mwi-account>%s@%s</mwi-account>\n"
                "    </registration>\n") % (
            r["call_id"], user, host, amp(r["contact"]), amp(r["agent"]), r["transport"].upper(), exp,
            int(r["expires"] - now), CONFIG["hostname"], r["network_ip"], r["network_port"], user, host, user, host)
    return out + "  </registrations>\n</profile>\n"


def cmd_sofia_profile(state, args):
    """FS mod_sofia.c:3561-3634 (start, rescan) and :3756-3789 (stop, restart)."""
    if len(args) < 2:
        return "Invalid Args!\n"
    name, action = args[0], args[1].lower()
    profiles = state.data["profiles"]
    now = time.time()
    if action == "start":
        reload_text = xml_reload(state)
        if name in profiles:
            # config_sofia finds it running: profile_already_started, reported as started.
            return "Reload XML [%s]\n%s started successfully\n" % (reload_text, name)
        profile = load_profile(state, name, now)
        if profile is None:
            return "Reload XML [%s]\nFailure starting %s\n" % (reload_text, name)
        profiles[name] = profile
        state.save()
        return "Reload XML [%s]\n%s started successfully\n" % (reload_text, name)
    p = profiles.get(name)
    if not p:
        return "Invalid Profile [%s]" % name  # :3579-3581, no newline
    if action == "killgw":
        return killgw(state, p, args[2:])
    if action == "rescan":
        # :3623-3634: a full reloadxml first (its result only printed), then the config is parsed
        # into the RUNNING profile (sofia.c:4464-4497, :4713).
        reload_text = xml_reload(state)
        conf = profile_conf(state, name)
        ok = conf is not None and apply_params(p, conf, state.data["globals"].get("local_ip_v4", ""), full=False)
        state.save()
        if not ok:
            return "Reload XML [%s]\n-ERR cannot find config for profile %s\n" % (reload_text, name)
        return "Reload XML [%s]\n+OK scan complete\n" % reload_text
    if action in ("stop", "restart"):
        up = int(now - p["started"])
        if up < RESTART_MIN_UP:
            remain = RESTART_MIN_UP - up
            return ("Profile %s must be up for at least %d seconds to stop/restart.\nPlease wait %d second%s\n"
                    % (name, RESTART_MIN_UP, remain, "" if remain == 1 else "s"))
        reload_text = xml_reload(state)
        for gw in p["gateways"]:
            unregister(gw, p)
        del profiles[name]
        if action == "restart":
            state.data.setdefault("pending", {})[name] = now + RESPAWN_SECONDS
        state.save()
        return "Reload XML [%s]\n%s: %s" % (reload_text, "stopping" if action == "stop" else "restarting", name)
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
        # FSPBX XH/directory/directory.lua:286-292: enabled extensions of enabled domains only.
        "where d.domain_name = :'v1' and d.domain_enabled = 'true' and e.enabled = 'true' "
        "and (e.extension = :'v0' or e.number_alias = :'v0')",
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
    # FSPBX app/Services/SofiaProfileRuntimeService.php:59-69 runs this to regenerate the cache.
    if len(args) >= 4 and args[0] == "configuration" and args[3] == "sofia.conf":
        return sofia_conf_xml(state)
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
        return state.data["switchname"]  # FS mod_commands.c:620-624
    if name == "hostname":
        return CONFIG["hostname"]
    if name == "status":
        up = int(time.time() - state.data["booted"])
        return ("UP 0 years, 0 days, 0 hours, %d minutes, %d seconds\nFreeSWITCH (Version %s) is ready\n"
                % (up // 60, up % 60, VERSION))
    if name == "reloadxml":
        # FS mod_commands.c:2853-2861: always "+OK [<err>]", "+OK [Success]" only on success.
        text = xml_reload(state)
        state.save()
        return "+OK [%s]\n" % text
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
        settle(state)
        # An API command that prints nothing reaches fs_cli as "-ERR no reply" (FS
        # mod_event_socket.c:1594-1597); observed on 1.10.12 for an unset global
        # (test/lab/pbx/fixtures/real-freeswitch/06-commands-and-refusals.json).
        out = run_command(state, command) or "-ERR no reply\n"
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
