# SPDX-License-Identifier: Apache-2.0
"""freestanding_sources: every source and header of some cc_library targets
and their dependencies in this workspace, as files, so that a library OS
kernel (libos_kernel, which compiles outside the host C toolchain) can
compile the core's own sources unchanged and follow the core's BUILD files
as they grow."""

_SourcesInfo = provider(fields = ["files"])

def _collect_impl(target, ctx):
    attr = ctx.rule.attr
    parts = []
    for name in ["srcs", "hdrs", "textual_hdrs"]:
        for t in getattr(attr, name, []):
            parts.append(t.files)
    for dep in getattr(attr, "deps", []):
        if _SourcesInfo in dep:
            parts.append(dep[_SourcesInfo].files)
    return [_SourcesInfo(files = depset(transitive = parts))]

_collect = aspect(implementation = _collect_impl, attr_aspects = ["deps"])

def _freestanding_sources_impl(ctx):
    files = depset(transitive = [d[_SourcesInfo].files for d in ctx.attr.deps])
    local = [f for f in files.to_list() if f.owner.workspace_name == "" and f.is_source]
    return [DefaultInfo(files = depset(local))]

freestanding_sources = rule(
    implementation = _freestanding_sources_impl,
    attrs = {"deps": attr.label_list(aspects = [_collect])},
    doc = "The workspace's own source files of `deps` and everything they depend on.",
)
