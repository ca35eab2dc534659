function out = relativePath(paths, folder)
%RELATIVEPATH  Paths relative to FOLDER where they lie inside it.
%   OUT = gtconvert.internal.relativePath(PATHS, FOLDER) returns a cellstr
%   the size of PATHS: a path inside FOLDER becomes relative to it, written
%   with '/' so that every platform reads it; any other path is kept as
%   given (absolute paths of the labelling machine stay absolute).
%
%   Example:
%       gtconvert.internal.relativePath({'/data/img/a.png'; '/other/b.png'}, '/data')
%       % -> {'img/a.png'; '/other/b.png'}

if ischar(paths)
    paths = {paths};
end
out = paths;
folder = strrep(char(folder), '\', '/');
if isempty(folder)
    return
end
if folder(end) ~= '/'
    folder = [folder '/'];
end
for k = 1:numel(paths)
    p = strrep(char(paths{k}), '\', '/');
    if numel(p) > numel(folder) && strcmp(p(1:numel(folder)), folder)
        out{k} = p(numel(folder) + 1:end);
    end
end
end
