"""Print the field tables of community.routeros' _api_data.py as JSON.

Run by the RouterOS simulator at lab set-up: the parameter names of every
menu come from this third-party source rather than from our own memory.
Usage: python3 dump_api_data.py /path/to/_api_data.py
"""
import importlib.util
import json
import sys


def value(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return 'true' if v else 'false'
    return str(v)


def main(path):
    spec = importlib.util.spec_from_file_location('routeros_api_data', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = {}
    for key, data in module.PATHS.items():
        # Newer collections wrap APIData in VersionedAPIData; older ones use APIData directly.
        unversioned = getattr(data, 'unversioned', None)
        if unversioned is not None:
            data = unversioned
        fields = getattr(data, 'fields', None)
        if fields is None:
            continue
        out['/' + '/'.join(key)] = {
            'primaryKeys': list(data.primary_keys or []),
            'stratifyKeys': list(data.stratify_keys or []),
            'singleValue': bool(data.single_value),
            'fixedEntries': bool(data.fixed_entries),
            'hasIdentifier': bool(data.has_identifier),
            'fields': {
                name: {
                    'canDisable': bool(info.can_disable),
                    'required': bool(info.required),
                    'default': value(info.default),
                    'removeValue': value(info.remove_value),
                }
                for name, info in fields.items()
            },
        }
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    main(sys.argv[1])
