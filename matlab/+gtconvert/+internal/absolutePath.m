function out = absolutePath(paths, folder)
%ABSOLUTEPATH  Resolve interchange paths (relative to the .mat) to full paths.
%   OUT = gtconvert.internal.absolutePath(PATHS, FOLDER): a relative entry
%   of the cellstr PATHS is joined to FOLDER; absolute entries ('/x',
%   'C:\x', '\\server\x') and empty entries are kept.
%
%   Example:
%       gtconvert.internal.absolutePath({'a.png'; 'C:\x\b.png'}, '/data')
%       % -> {'/data/a.png'; 'C:\x\b.png'}

out = paths;
for k = 1:numel(paths)
    p = char(paths{k});
    isAbsolute = ~isempty(p) && (p(1) == '/' || p(1) == '\' || ...
        (numel(p) > 1 && p(2) == ':'));
    if ~isempty(p) && ~isAbsolute
        out{k} = fullfile(folder, strrep(p, '/', filesep));
    end
end
end
