"""aws-cli v2 (2.34) for the nodes' security group: by default open to 22, 6443 and 30000-32767 from anywhere."""

# Why that default: the nodes sit in a VPC behind one security group, sg-0123456789abcdef0 (the
# id the article uses), attached to every node's network interface from the start. Like the
# group a typical kubeadm-on-EC2 tutorial creates, it allows SSH (22), the API server (6443) and
# the whole NodePort range 30000-32767 from anywhere (0.0.0.0/0), so the article's first
# `curl http://$NODE_IP:31000` works from the workstation. That broad rule is exactly what the
# article warns about: the lesson is to authorize only the ports you expose, from the clients
# you expect, and to revoke the range. Security groups filter only traffic from outside the
# cluster (the engine's firewall), so node-to-node and Pod traffic is never affected. A cluster
# whose fixture already set up its own groups keeps them as they are.

from __future__ import annotations

import hashlib
import ipaddress
import json
import re

from ..engine.firewall import IngressRule
from ..engine.objects import name_of
from .session import Result, Session

DEFAULT_GROUP_ID = "sg-0123456789abcdef0"
GROUP_NAME = "kubeadm-nodes"
GROUP_DESCRIPTION = "kubeadm cluster nodes"
VPC_ID = "vpc-0a1b2c3d4e5f67890"
OWNER_ID = "123456789012"
REGION = "us-east-1"
DEFAULT_RULES = (("tcp", 22, 22, "0.0.0.0/0"), ("tcp", 6443, 6443, "0.0.0.0/0"),
                 ("tcp", 30000, 32767, "0.0.0.0/0"))
VERSION = "aws-cli/2.34.3 Python/3.13.11 Linux/6.8.0-51-generic exe/x86_64.ubuntu.24"
USAGE = ("\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
         "To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n")
_OPERATIONS = {"authorize-security-group-ingress": "AuthorizeSecurityGroupIngress",
               "revoke-security-group-ingress": "RevokeSecurityGroupIngress",
               "describe-security-groups": "DescribeSecurityGroups"}
# Real commands the sandbox does not simulate (anything else is an invalid choice, as in aws-cli).
_REAL_EC2 = frozenset({"describe-instances", "create-security-group", "delete-security-group",
                       "describe-security-group-rules", "modify-security-group-rules",
                       "authorize-security-group-egress", "revoke-security-group-egress", "describe-vpcs",
                       "describe-subnets", "run-instances",
                       "describe-network-interfaces", "modify-instance-attribute", "describe-regions"})
_REAL_SERVICES = frozenset({"s3", "s3api", "iam", "sts", "eks", "elb", "elbv2", "route53", "ssm", "configure",
                            "cloudformation", "ecr", "logs", "lambda", "autoscaling", "acm"})
_GROUP_ID = re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


def ensure_default_group(cluster) -> None:
    """Attach the default security group to every node, once, unless the cluster already has groups."""
    firewall = cluster.firewall
    if firewall.groups:
        return
    for proto, lo, hi, cidr in DEFAULT_RULES:
        firewall.authorize(DEFAULT_GROUP_ID, proto, lo, hi, cidr)
    for node in cluster.api.iter("Node"):
        firewall.attach(name_of(node), DEFAULT_GROUP_ID)


def rule_id(group_id: str, rule: IngressRule) -> str:
    """A stable security group rule id (sgr- and 17 hex digits)."""
    seed = f"{group_id}|{rule.protocol}|{rule.from_port}|{rule.to_port}|{rule.cidr}"
    return "sgr-" + hashlib.sha256(seed.encode()).hexdigest()[:17]


class _ServiceError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class _ParamError(Exception):
    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.message, self.usage = message, usage


def _param_error(message: str, usage: bool = False) -> Result:
    return Result("", f"\naws: [ERROR]: An error occurred (ParamValidation): {message}\n" + (USAGE if usage else ""),
                  252)


def _options(words: list[str], multi: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """--name value (or --name=value; several values for list options); unknown words are kept."""
    out: dict[str, list[str]] = {}
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("--"):
            out.setdefault("", []).append(word)
            continue
        name, eq, value = word.partition("=")
        if name in ("--dry-run", "--no-dry-run", "--no-cli-pager", "--debug", "--no-paginate"):
            out[name] = []
            continue
        if eq:
            out[name] = [value]
            continue
        values = []
        while i < len(words) and not words[i].startswith("--"):
            values.append(words[i])
            i += 1
            if name not in multi:
                break
        out[name] = values
    return out


def _unknown(words: list[str], known: set[str]) -> list[str]:
    """The words argparse leaves over: unknown options, their values, and stray words."""
    out: list[str] = []
    i = 0
    while i < len(words):
        name = words[i].partition("=")[0]
        i += 1
        if name in known:
            if "=" not in words[i - 1] and name not in ("--dry-run", "--no-dry-run"):
                i += 1
                while name == "--group-ids" and i < len(words) and not words[i].startswith("--"):
                    i += 1
            continue
        out.append(words[i - 1])
    return out


def _protocol(value: str) -> str:
    value = value.lower()
    if value in ("tcp", "udp", "icmp"):
        return value
    if value in ("all", "-1"):
        return "-1"
    if value.isdigit() and int(value) <= 255:
        return {"6": "tcp", "17": "udp", "1": "icmp"}.get(value, value)
    raise _ParamError("protocol parameter should be one of: tcp|udp|icmp|all or any valid protocol number.")


def _ports(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        if value in ("-1", "all"):
            return -1, -1
        lo, sep, hi = value.partition("-")
        return (int(lo), int(hi)) if sep else (int(lo), int(lo))
    except ValueError:
        raise _ParamError("port parameter should be of the form <from[-to]> (e.g. 22 or 22-25)") from None


def _group(cluster, group_id: str | None):
    if not group_id:
        raise _ServiceError("MissingParameter", "The request must contain the parameter groupName or groupId")
    if not _GROUP_ID.match(group_id):
        raise _ServiceError("InvalidGroupId.Malformed", f'Invalid id: "{group_id}" (expecting "sg-...")')
    group = cluster.firewall.groups.get(group_id)
    if group is None:
        raise _ServiceError("InvalidGroup.NotFound", f"The security group '{group_id}' does not exist")
    return group


def _requested_rule(opts: dict[str, list[str]]) -> IngressRule:
    """The one rule --protocol/--port/--cidr describe, checked as the CLI and then EC2 check it."""
    proto_raw = (opts.get("--protocol") or [None])[0]
    protocol = _protocol(proto_raw) if proto_raw is not None else None
    ports = _ports((opts.get("--port") or [None])[0])
    cidr = (opts.get("--cidr") or [None])[0]
    if protocol is None:
        raise _ServiceError("MissingParameter", "The request must contain the parameter ipProtocol")
    if protocol in ("tcp", "udp"):
        if ports is None:
            raise _ServiceError("InvalidParameterValue",
                                "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange")
        lo, hi = ports
        if not (0 <= lo <= 65535 and 0 <= hi <= 65535) or lo > hi:
            raise _ServiceError("InvalidParameterValue", f"Invalid TCP/UDP port range {lo}-{hi}")
    lo, hi = ports if ports is not None else (-1, -1)
    if protocol == "-1":
        lo, hi = -1, -1
    if cidr is None:
        raise _ServiceError("InvalidParameterValue",
                            "The request must contain exactly one of: a CIDR block, a prefix list or a security group")
    try:
        network = ipaddress.IPv4Network(cidr, strict=False)
    except ValueError:
        raise _ServiceError("InvalidParameterValue", f"CIDR block {cidr} is malformed") from None
    if "/" not in cidr:
        raise _ServiceError("InvalidParameterValue", f"CIDR block {cidr} is malformed")
    return IngressRule(protocol, lo, hi, str(network))


def _rule_json(group_id: str, rule: IngressRule, with_owner: bool) -> dict:
    out: dict = {"SecurityGroupRuleId": rule_id(group_id, rule), "GroupId": group_id}
    if with_owner:
        out["GroupOwnerId"] = OWNER_ID
    out["IsEgress"] = False
    out["IpProtocol"] = rule.protocol
    if rule.protocol != "-1":
        out["FromPort"], out["ToPort"] = rule.from_port, rule.to_port
    out["CidrIpv4"] = rule.cidr
    if with_owner:
        out["SecurityGroupRuleArn"] = (f"arn:aws:ec2:{REGION}:{OWNER_ID}:security-group-rule/"
                                       f"{rule_id(group_id, rule)}")
    return out


def _peer(rule: IngressRule) -> str:
    if rule.protocol == "-1":
        return f'"peer: {rule.cidr}, ALL, ALLOW"'
    return (f'"peer: {rule.cidr}, {rule.protocol.upper()}, from port: {rule.from_port}, '
            f'to port: {rule.to_port}, ALLOW"')


def _authorize(cluster, opts: dict[str, list[str]]) -> dict:
    group = _group(cluster, (opts.get("--group-id") or [None])[0])
    rule = _requested_rule(opts)
    if "--dry-run" in opts:
        raise _ServiceError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    if rule in group.rules:
        raise _ServiceError("InvalidPermission.Duplicate", f"the specified rule {_peer(rule)} already exists")
    group.rules.append(rule)
    return {"Return": True, "SecurityGroupRules": [_rule_json(group.group_id, rule, True)]}


def _revoke(cluster, opts: dict[str, list[str]]) -> dict:
    group = _group(cluster, (opts.get("--group-id") or [None])[0])
    rule = _requested_rule(opts)
    if "--dry-run" in opts:
        raise _ServiceError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    if rule not in group.rules:
        # A group in a non-default VPC answers an unknown rule with an error (a default VPC would not).
        raise _ServiceError("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
    group.rules.remove(rule)
    return {"Return": True, "RevokedSecurityGroupRules": [_rule_json(group.group_id, rule, False)]}


def _permissions(rules: list[IngressRule]) -> list[dict]:
    """Rules grouped as EC2 reports them: one IpPermission per protocol and port range."""
    grouped: dict[tuple[str, int, int], list[str]] = {}
    for rule in rules:
        grouped.setdefault((rule.protocol, rule.from_port, rule.to_port), []).append(rule.cidr)
    out = []
    for (proto, lo, hi), cidrs in grouped.items():
        perm: dict = {"IpProtocol": proto}
        if proto != "-1":
            perm["FromPort"], perm["ToPort"] = lo, hi
        perm.update({"UserIdGroupPairs": [], "IpRanges": [{"CidrIp": c} for c in cidrs], "Ipv6Ranges": [],
                     "PrefixListIds": []})
        out.append(perm)
    return out


def _describe(cluster, opts: dict[str, list[str]]) -> dict:
    wanted = opts.get("--group-ids")
    groups = cluster.firewall.groups
    if wanted is None:
        ids = list(groups)
    else:
        for gid in wanted:
            if not _GROUP_ID.match(gid):
                raise _ServiceError("InvalidGroupId.Malformed", f'Invalid id: "{gid}" (expecting "sg-...")')
        for gid in wanted:
            if gid not in groups:
                raise _ServiceError("InvalidGroup.NotFound", f"The security group '{gid}' does not exist")
        ids = list(dict.fromkeys(wanted))
    out = []
    for gid in ids:
        default = gid == DEFAULT_GROUP_ID
        out.append({
            "GroupId": gid,
            "IpPermissionsEgress": [{"IpProtocol": "-1", "UserIdGroupPairs": [], "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                     "Ipv6Ranges": [], "PrefixListIds": []}],
            "VpcId": VPC_ID,
            "SecurityGroupArn": f"arn:aws:ec2:{REGION}:{OWNER_ID}:security-group/{gid}",
            "OwnerId": OWNER_ID,
            "GroupName": GROUP_NAME if default else gid,
            "Description": GROUP_DESCRIPTION if default else gid,
            "IpPermissions": _permissions(groups[gid].rules),
        })
    return {"SecurityGroups": out}


_ALLOWED = {"authorize-security-group-ingress": {"--group-id", "--group-name", "--protocol", "--port", "--cidr",
                                                 "--dry-run", "--no-dry-run"},
            "revoke-security-group-ingress": {"--group-id", "--group-name", "--protocol", "--port", "--cidr",
                                              "--dry-run", "--no-dry-run"},
            "describe-security-groups": {"--group-ids", "--dry-run", "--no-dry-run"}}
_REAL_BUT_UNSIMULATED = {"--ip-permissions", "--source-group", "--group-owner", "--tag-specifications",
                         "--security-group-rule-ids", "--filters", "--group-names", "--max-results",
                         "--next-token", "--cli-input-json", "--cli-input-yaml", "--generate-cli-skeleton"}
_GLOBAL_WITH_VALUE = {"--output", "--region", "--profile", "--query", "--endpoint-url", "--color",
                      "--cli-read-timeout", "--cli-connect-timeout", "--ca-bundle", "--cli-binary-format"}
_NOTE = ("aws: this sandbox simulates `aws ec2 authorize-security-group-ingress`, "
         "`revoke-security-group-ingress` and `describe-security-groups` (JSON output) only.\n")


def main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """aws [global options] ec2 OPERATION [parameters], or aws --version."""
    cluster = session.cluster
    ensure_default_group(cluster)
    words: list[str] = []
    output = "json"
    args = argv[1:]
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        name, eq, value = word.partition("=")
        if word == "--version":
            return Result(VERSION + "\n", "", 0)
        if name in _GLOBAL_WITH_VALUE:
            if not eq:
                if i >= len(args):
                    return _param_error(f"argument {name}: expected one argument", usage=True)
                value = args[i]
                i += 1
            if name == "--output":
                output = value
            elif name in ("--query", "--endpoint-url"):
                return Result("", _NOTE, 252)
            continue
        if word in ("--no-cli-pager", "--debug", "--no-paginate", "--no-verify-ssl", "--no-sign-request"):
            continue
        words.append(word)
    if output not in ("json", "text", "table", "yaml", "yaml-stream"):
        return _param_error(f"argument --output: Found invalid choice '{output}'")
    if not words:
        return _param_error("the following arguments are required: command", usage=True)
    service, rest = words[0], words[1:]
    if service != "ec2":
        if service in _REAL_SERVICES:
            return Result("", _NOTE, 252)
        return _param_error(f"argument command: Found invalid choice '{service}'")
    if not rest:
        return _param_error("the following arguments are required: operation", usage=True)
    operation, params = rest[0], rest[1:]
    if operation not in _OPERATIONS:
        if operation in _REAL_EC2:
            return Result("", _NOTE, 252)
        return _param_error(f"argument operation: Found invalid choice '{operation}'")
    known = _ALLOWED[operation] | _REAL_BUT_UNSIMULATED
    unknown = _unknown(params, known)
    if unknown:
        return _param_error("Unknown options: " + ", ".join(unknown))
    opts = _options(params, multi=("--group-ids",))
    if any(k in _REAL_BUT_UNSIMULATED for k in opts) or "--group-name" in opts or output != "json":
        return Result("", _NOTE, 252)
    try:
        if operation == "authorize-security-group-ingress":
            doc = _authorize(cluster, opts)
        elif operation == "revoke-security-group-ingress":
            doc = _revoke(cluster, opts)
        else:
            doc = _describe(cluster, opts)
    except _ParamError as err:
        return _param_error(err.message, err.usage)
    except _ServiceError as err:
        return Result("", f"\naws: [ERROR]: An error occurred ({err.code}) when calling the "
                          f"{_OPERATIONS[operation]} operation: {err.message}\n", 254)
    return Result(json.dumps(doc, indent=4) + "\n", "", 0)


__all__ = ["DEFAULT_GROUP_ID", "DEFAULT_RULES", "VERSION", "ensure_default_group", "main", "rule_id"]
