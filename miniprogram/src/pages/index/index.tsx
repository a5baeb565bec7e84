import { View, Text } from '@tarojs/components';
import { Button, Cell, Progress } from '@nutui/nutui-react-taro';

export default function Index() {
  return (
    <View>
      <Text>进展通</Text>
      <Cell title="测试" description="说明" />
      <Progress percent={30} />
      <Button type="primary">登录</Button>
    </View>
  );
}
