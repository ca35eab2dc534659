function gTruth = toGroundTruth(spec)
%TOGROUNDTRUTH  Plain struct from readInterchange -> groundTruth (MATLAB only).
%   GTRUTH = gtconvert.internal.toGroundTruth(SPEC) is the thin adapter of
%   public toolbox calls (groundTruthDataSource, labelType, table,
%   groundTruth) at the end of gtconvert.importGroundTruth. Everything
%   before it runs in GNU Octave and is tested there.
%
%   Example:
%       gTruth = gtconvert.internal.toGroundTruth(gtconvert.internal.readInterchange('labels.mat'));

ds = spec.DataSource;
if ischar(ds.Source)  % a video (or custom) source: the reader knows its frames
    dataSource = groundTruthDataSource(ds.Source);
else
    dataSource = groundTruthDataSource(ds.Source(:));
end

defs = spec.LabelDefinitions(:);
members = enumeration('labelType');
memberNames = arrayfun(@char, members, 'UniformOutput', false);
Name = {defs.Name}';
Type = members(cellfun(@(t) find(strcmp(memberNames, t), 1), {defs.Type}'));
LabelColor = vertcat(defs.LabelColor);
unset = any(isnan(LabelColor), 2);
palette = lines(numel(defs));
LabelColor(unset, :) = palette(unset, :);
Group = {defs.Group}';
Description = {defs.Description}';
labelDefs = table(Name, Type, LabelColor, Group, Description);
if any(Type == labelType.PixelLabel)
    labelDefs.PixelLabelID = {defs.PixelLabelID}';
end
if any(~cellfun(@isempty, {defs.Hierarchy}))
    labelDefs.Hierarchy = {defs.Hierarchy}';
end

data = spec.LabelData(:);
timed = isfield(data, 'Time');
if timed
    rowTimes = seconds([data.Time]');
    data = rmfield(data, 'Time');
end
if isempty(fieldnames(data))
    labelData = table('Size', [numel(data) 0], 'VariableTypes', {}, 'VariableNames', {});
else
    labelData = struct2table(data, 'AsArray', true);
end
if timed && ischar(ds.Source)
    labelData = table2timetable(labelData, 'RowTimes', rowTimes);
end
gTruth = groundTruth(dataSource, labelDefs, labelData);
end
